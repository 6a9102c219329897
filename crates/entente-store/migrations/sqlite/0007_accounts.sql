-- Account security: login throttling shared by every instance, the addresses a user has
-- signed in from, disabled members, password reset links and invitations.

-- One row per throttled key: a client address ("ip:…"), an account's unknown-source attempts
-- ("acct:<sha256 of the e-mail>") or one of its known sources ("acct:…:src:<address>").
-- Times are Unix seconds so the counter can be updated in one atomic statement.
create table login_throttle (
    throttle_key text primary key,
    attempts bigint not null,
    last_at bigint not null,
    blocked_until bigint not null
);

-- Addresses an account signed in from (keyed by the e-mail's SHA-256, so the table says
-- nothing about unknown e-mails either way).
create table login_source (
    email_hash text not null,
    source text not null,
    last_success_at text not null,
    primary key (email_hash, source)
);

alter table membership add column disabled_at text;

-- The address a token was last used from: use from a new one is audited.
alter table api_token add column last_used_from text;

create table password_reset (
    token_hash text primary key,
    user_id text not null references app_user (user_id) on delete cascade,
    expires_at text not null,
    used_at text,
    created_by text not null,
    created_at text not null,
    updated_at text not null
);

create table invitation (
    invitation_id text primary key,
    organisation_id text not null references organisation (organisation_id),
    email text not null,
    display_name text not null,
    role text not null,
    party_id text references party (party_id),
    token_hash text not null unique,
    expires_at text not null,
    accepted_at text,
    created_by text not null,
    created_at text not null,
    updated_at text not null
);
create index invitation_org_email on invitation (organisation_id, email);
