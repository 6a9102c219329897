-- How a draft agreement was made from a template: the template and its version, the
-- variables as entered (JSON object) and each clause's chosen position (JSON object clause id
-- → position id). Switching a position re-assembles the text from these.
create table template_draft (
    agreement_id text primary key references agreement (agreement_id) on delete cascade,
    organisation_id text not null references organisation (organisation_id),
    template text not null,
    template_version text not null,
    variables text not null,
    positions text not null,
    created_at text not null,
    updated_at text not null
);
