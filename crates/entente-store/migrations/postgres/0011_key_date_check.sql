-- A listing brings its tenant's key dates up to date before it reads them. This row remembers
-- what the tenant's agreements and obligations looked like when that was last done (their
-- counts and latest changes) and until when the computed horizon lasts, so an unchanged tenant
-- skips the per-agreement staleness scan.
create table deadline_org_check (
    organisation_id text primary key,
    fingerprint text not null,
    valid_until text not null,
    updated_at text not null
);
create index obligation_org_updated on obligation (organisation_id, updated_at);
create index deadline_state_org on deadline_state (organisation_id, horizon_until);
