-- Accounts and access: users belong to organisations with a role; sessions and API tokens
-- are stored only as SHA-256 hashes of their secrets; agreements may be restricted to users.

create table app_user (
    user_id text primary key,
    email text not null unique,
    display_name text not null,
    -- Argon2id PHC string
    password_hash text not null,
    failed_logins bigint not null default 0,
    locked_until text,
    created_at text not null,
    updated_at text not null
);

create table membership (
    user_id text not null references app_user (user_id) on delete cascade,
    organisation_id text not null references organisation (organisation_id),
    role text not null,
    -- for counterparty users: the party whose agreements they may see
    party_id text references party (party_id),
    created_at text not null,
    updated_at text not null,
    primary key (user_id, organisation_id)
);

create table user_session (
    session_hash text primary key,
    user_id text not null references app_user (user_id) on delete cascade,
    organisation_id text not null references organisation (organisation_id),
    csrf_token text not null,
    last_seen_at text not null,
    expires_at text not null,
    created_at text not null,
    updated_at text not null
);
create index user_session_user on user_session (user_id);

create table api_token (
    api_token_id text primary key,
    organisation_id text not null references organisation (organisation_id),
    user_id text not null references app_user (user_id) on delete cascade,
    name text not null,
    token_hash text not null unique,
    -- the role the token acts with: never more than its owner's
    role text not null,
    expires_at text,
    revoked_at text,
    last_used_at text,
    created_at text not null,
    updated_at text not null
);

-- When an agreement has rows here, only these users (and admins/legal) may see it.
create table agreement_access (
    agreement_id text not null references agreement (agreement_id) on delete cascade,
    user_id text not null references app_user (user_id) on delete cascade,
    organisation_id text not null,
    created_at text not null,
    updated_at text not null,
    primary key (agreement_id, user_id)
);

-- One-time links that create the first administrator of an empty installation.
create table setup_token (
    token_hash text primary key,
    expires_at text not null,
    used_at text,
    created_at text not null,
    updated_at text not null
);
