-- Each approval round approves one document version: the round keeps the version's id and
-- SHA-256, each decision the version it was made on. A newer version supersedes the round
-- (when, by whom, which version, why), so the text that is signed is the text approved.
create table approval_round (
    organisation_id text not null,
    agreement_id text not null references agreement (agreement_id) on delete cascade,
    round bigint not null,
    -- null when the agreement had no document when the round started
    version_id text references document_version (version_id) on delete cascade,
    sha256 text,
    superseded_at text,
    superseded_by text,
    superseded_version_id text references document_version (version_id) on delete cascade,
    superseded_reason text,
    created_at text not null,
    updated_at text not null,
    primary key (agreement_id, round)
);

alter table approval_step add column version_id text references document_version (version_id) on delete cascade;
alter table approval_step add column sha256 text;
-- 1 when the step applies only because the contract value is unknown or in another currency
alter table approval_step add column value_unknown bigint not null default 0;

-- Rounds started before this migration get their row (and version) at start-up, see
-- `governance::version_earlier_rounds`.
