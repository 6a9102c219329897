-- A notice in force is the agreement's ending: the key dates, occurrences and listing are
-- computed from it. A notice can be withdrawn (retracted by the party that gave it) or voided
-- (recorded in error), with a reason; either retires it, and the dates it moved come back.
alter table termination add column given_by_short text;
alter table termination add column retired text;
alter table termination add column retired_by text;
alter table termination add column retired_at text;
alter table termination add column retired_reason text;
create index termination_org_agreement on termination (organisation_id, agreement_id, created_at);

-- A tenant's own close-out checklist (JSON list of {text, days_after_end}): its items are added
-- as obligations to every notice, linked through termination_obligation.
create table closeout_checklist (
    organisation_id text primary key,
    items text not null,
    created_at text not null,
    updated_at text not null
);
