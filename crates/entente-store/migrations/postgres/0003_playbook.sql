-- Playbooks, playbook checks and their findings.

-- The tenant's playbook (TOML), insert-only: the latest row is in force, earlier rows are its
-- history. A tenant without a row uses the built-in cooperation playbook.
create table organisation_playbook (
    organisation_playbook_id text primary key,
    organisation_id text not null references organisation (organisation_id),
    playbook_id text not null,
    playbook_version text not null,
    source text not null,
    created_by text not null,
    created_at text not null,
    updated_at text not null
);
create index organisation_playbook_org on organisation_playbook (organisation_id, created_at);

-- A check is stored per document version: the whole report as JSON (what the API returns),
-- plus one row per finding so the portfolio can be queried by blind spot, rule and severity
-- without parsing JSON.

create table agreement_check (
    check_id text primary key,
    organisation_id text not null references organisation (organisation_id),
    agreement_id text not null references agreement (agreement_id) on delete cascade,
    version_id text not null references document_version (version_id) on delete cascade,
    playbook_id text not null,
    playbook_version text not null,
    -- 0..100, and its breakdown per blind spot inside the report
    score bigint not null,
    -- info | low | medium | high | critical, or null when there is no finding
    worst_severity text,
    -- space-separated blind spots flagged
    flagged text not null,
    findings bigint not null,
    report text not null,
    checked_by text not null,
    created_at text not null,
    updated_at text not null
);
create index agreement_check_agreement on agreement_check (organisation_id, agreement_id, created_at);
create index agreement_check_version on agreement_check (version_id, created_at);

create table finding (
    finding_id text primary key,
    organisation_id text not null,
    check_id text not null references agreement_check (check_id) on delete cascade,
    agreement_id text not null references agreement (agreement_id) on delete cascade,
    ordinal bigint not null,
    rule_id text not null,
    blind_spot text not null,
    severity text not null,
    -- 0 (info) .. 4 (critical), for "at least high" filters
    severity_rank bigint not null,
    message text not null,
    -- the clause and span it concerns; all null for something the agreement lacks
    clause_id text references clause (clause_id) on delete set null,
    start_pos bigint,
    end_pos bigint,
    created_at text not null,
    updated_at text not null
);
create index finding_check on finding (check_id, ordinal);
create index finding_org_spot on finding (organisation_id, blind_spot, severity_rank);
