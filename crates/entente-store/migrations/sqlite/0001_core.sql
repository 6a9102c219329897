-- Core schema. Text ids (UUIDv7), ISO 8601 text for dates and instants, integers for flags:
-- the types sqlx::Any carries identically on SQLite and PostgreSQL.

create table organisation (
    organisation_id text primary key,
    slug text not null unique,
    name text not null,
    -- head of the audit hash chain; bumped in the same transaction as every change
    audit_seq integer not null default 0,
    audit_head text not null,
    created_at text not null,
    updated_at text not null
);

create table party (
    party_id text primary key,
    organisation_id text not null references organisation (organisation_id),
    legal_name text not null,
    -- lowercased, punctuation-free legal name: "ACME, Inc." and "Acme Inc" are one party
    name_key text not null,
    jurisdiction text,
    identifiers text not null default '[]',
    created_at text not null,
    updated_at text not null,
    unique (organisation_id, name_key)
);

create table agreement (
    agreement_id text primary key,
    organisation_id text not null references organisation (organisation_id),
    title text not null,
    kind text not null,
    status text not null,
    owner text,
    -- denormalised from the terms at every write, so portfolio filters stay index-friendly
    effective_date text,
    expiration_date text,
    auto_renewal integer,
    notice_deadline text,
    liability_cap_kind text,
    governing_law text,
    created_at text not null,
    updated_at text not null
);
create index agreement_org_status on agreement (organisation_id, status);
create index agreement_org_expiration on agreement (organisation_id, expiration_date);
create index agreement_org_notice on agreement (organisation_id, notice_deadline);

create table agreement_tag (
    agreement_id text not null references agreement (agreement_id) on delete cascade,
    organisation_id text not null,
    tag text not null,
    created_at text not null,
    updated_at text not null,
    primary key (agreement_id, tag)
);
create index agreement_tag_org on agreement_tag (organisation_id, tag);

create table agreement_party (
    agreement_id text not null references agreement (agreement_id) on delete cascade,
    party_id text not null references party (party_id),
    organisation_id text not null,
    ordinal integer not null,
    role text not null,
    short_name text,
    created_at text not null,
    updated_at text not null,
    primary key (agreement_id, party_id)
);
create index agreement_party_party on agreement_party (organisation_id, party_id);

create table document_version (
    version_id text primary key,
    organisation_id text not null,
    agreement_id text not null references agreement (agreement_id) on delete cascade,
    number integer not null,
    filename text not null,
    media_type text not null,
    sha256 text not null,
    size integer not null,
    content blob not null,
    body text not null,
    author text not null,
    created_at text not null,
    updated_at text not null,
    unique (agreement_id, number)
);

create table clause (
    clause_id text primary key,
    organisation_id text not null,
    agreement_id text not null references agreement (agreement_id) on delete cascade,
    version_id text not null references document_version (version_id) on delete cascade,
    ordinal integer not null,
    number text,
    heading text,
    body text not null,
    start_pos integer not null,
    end_pos integer not null,
    -- space-separated category ids
    categories text not null,
    confidence double precision not null,
    created_at text not null,
    updated_at text not null
);
create index clause_version on clause (version_id, ordinal);

-- Full-text index over clause text, maintained by the store in the same transaction.
create virtual table clause_fts using fts5 (
    clause_id unindexed,
    organisation_id unindexed,
    heading,
    body,
    tokenize = 'porter unicode61'
);

create table term (
    agreement_id text not null references agreement (agreement_id) on delete cascade,
    organisation_id text not null,
    field text not null,
    value text not null,
    source text not null,
    created_at text not null,
    updated_at text not null,
    primary key (agreement_id, field)
);

create table obligation (
    obligation_id text primary key,
    organisation_id text not null,
    agreement_id text not null references agreement (agreement_id) on delete cascade,
    obligor text not null,
    beneficiary text,
    body text not null,
    due text not null,
    due_date text,
    metric text,
    status text not null,
    owner text,
    vague integer not null,
    survives integer not null,
    evidence text,
    created_at text not null,
    updated_at text not null
);
create index obligation_org_due on obligation (organisation_id, status, due_date);
create index obligation_agreement on obligation (agreement_id);

-- Insert-only: the store has no update or delete for it.
create table audit_event (
    audit_event_id text primary key,
    organisation_id text not null references organisation (organisation_id),
    seq integer not null,
    at text not null,
    actor text not null,
    action text not null,
    entity text not null,
    entity_id text not null,
    agreement_id text,
    details text not null,
    prev_hash text not null,
    hash text not null,
    created_at text not null,
    updated_at text not null,
    unique (organisation_id, seq)
);
create index audit_event_agreement on audit_event (organisation_id, agreement_id);
