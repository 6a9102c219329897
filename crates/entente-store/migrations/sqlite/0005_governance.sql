-- Lifecycle and governance: transitions with who/when/why, approval chains stored
-- with the agreement, signatures against a version's SHA-256, amendments, reviews,
-- termination notices with their post-termination duties, and disputes.

create table agreement_transition (
    agreement_transition_id text primary key,
    organisation_id text not null,
    agreement_id text not null references agreement (agreement_id) on delete cascade,
    from_status text not null,
    to_status text not null,
    actor text not null,
    reason text,
    -- manual, approval, signature, amendment, termination, review
    via text not null,
    at text not null,
    created_at text not null,
    updated_at text not null
);
create index agreement_transition_agreement on agreement_transition (agreement_id, at);

-- A tenant's approval policy as JSON; absent means the built-in default.
create table approval_policy (
    organisation_id text primary key references organisation (organisation_id),
    policy text not null,
    created_at text not null,
    updated_at text not null
);

-- The chain snapshot: one row per step and round, so later policy changes rewrite nothing.
create table approval_step (
    approval_step_id text primary key,
    organisation_id text not null,
    agreement_id text not null references agreement (agreement_id) on delete cascade,
    round integer not null,
    ordinal integer not null,
    stage integer not null,
    name text not null,
    role text not null,
    reason text not null,
    status text not null,
    decided_by text,
    decided_at text,
    comment text,
    created_at text not null,
    updated_at text not null,
    unique (agreement_id, round, ordinal)
);

create table signature (
    signature_id text primary key,
    organisation_id text not null,
    agreement_id text not null references agreement (agreement_id) on delete cascade,
    version_id text not null references document_version (version_id) on delete cascade,
    sha256 text not null,
    party_id text not null references party (party_id),
    signatory_name text not null,
    signatory_title text not null,
    signed_on text not null,
    recorded_by text not null,
    created_at text not null,
    updated_at text not null,
    unique (version_id, party_id)
);

-- Signed versions are immutable: the text the parties signed can never change underneath
-- their signatures, whatever code path (or hand-written SQL) tries.
create trigger document_version_signed_immutable before update on document_version
when exists (select 1 from signature s where s.version_id = old.version_id)
begin
    select raise(abort, 'signed document versions are immutable');
end;
create trigger signature_immutable before update on signature
begin
    select raise(abort, 'signatures are immutable');
end;

create table amendment (
    amendment_id text primary key,
    organisation_id text not null,
    agreement_id text not null references agreement (agreement_id) on delete cascade,
    version_id text not null references document_version (version_id) on delete cascade,
    number integer not null,
    effective_date text not null,
    summary text not null,
    -- JSON: field -> new value; field -> previous sourced value (or null)
    changes text not null,
    previous text not null,
    created_by text not null,
    created_at text not null,
    updated_at text not null,
    unique (agreement_id, number)
);

create table review (
    review_id text primary key,
    organisation_id text not null,
    agreement_id text not null references agreement (agreement_id) on delete cascade,
    due_date text not null,
    derivation text not null,
    -- null while scheduled
    outcome text,
    notes text,
    reviewed_by text,
    reviewed_on text,
    created_at text not null,
    updated_at text not null
);
create index review_agreement on review (agreement_id, due_date);
create index review_org_due on review (organisation_id, due_date);

create table termination (
    termination_id text primary key,
    organisation_id text not null,
    agreement_id text not null references agreement (agreement_id) on delete cascade,
    kind text not null,
    given_by text not null,
    given_on text not null,
    clause text,
    reason text,
    notice_period text,
    effective_date text not null,
    derivation text not null,
    recorded_by text not null,
    created_at text not null,
    updated_at text not null
);
create index termination_agreement on termination (agreement_id);

-- Which obligations a termination created (the obligation table belongs to the core schema).
create table termination_obligation (
    termination_id text not null references termination (termination_id) on delete cascade,
    obligation_id text not null references obligation (obligation_id) on delete cascade,
    organisation_id text not null,
    created_at text not null,
    updated_at text not null,
    primary key (termination_id, obligation_id)
);

create table dispute (
    dispute_id text primary key,
    organisation_id text not null,
    agreement_id text not null references agreement (agreement_id) on delete cascade,
    -- the whole dispute as JSON (tiers snapshot, history); the columns below are for queries
    body text not null,
    status text not null,
    deadline text,
    created_at text not null,
    updated_at text not null
);
create index dispute_agreement on dispute (agreement_id);
create index dispute_org_deadline on dispute (organisation_id, status, deadline);
