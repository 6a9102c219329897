-- A tenant's revision: bumped by every transaction that inserts, updates or deletes its
-- agreements or obligations, so a listing learns whether its key dates may be stale from one
-- primary-key read (counting and scanning both tables cost ~12 ms a listing at 100,000
-- agreements).
--
-- The bump runs at commit (a deferred constraint trigger), once per transaction and tenant:
-- taking the tenant's row lock at the first write would serialise the tenant's writers for
-- their whole transactions and could deadlock two that lock agreements in different orders.
-- Bumped in the same commit as the change, a reader that saw the old revision before its scan
-- sees a new one next time, whatever order concurrent transactions commit in.
create table org_revision (
    organisation_id text primary key,
    revision bigint not null
);
insert into org_revision (organisation_id, revision) select organisation_id, 1 from organisation;

create function entente_bump_org_revision() returns trigger language plpgsql as $$
declare
    org text;
    done text;
begin
    if tg_op = 'DELETE' then
        org := old.organisation_id;
    else
        org := new.organisation_id;
    end if;
    done := coalesce(current_setting('entente.revised_orgs', true), '');
    if position('|' || org || '|' in done) > 0 then
        return null;
    end if;
    insert into org_revision (organisation_id, revision) values (org, 1)
        on conflict (organisation_id) do update set revision = org_revision.revision + 1;
    perform set_config('entente.revised_orgs', done || '|' || org || '|', true);
    return null;
end;
$$;

create constraint trigger agreement_revision after insert or update or delete on agreement
    deferrable initially deferred for each row execute function entente_bump_org_revision();
create constraint trigger obligation_revision after insert or update or delete on obligation
    deferrable initially deferred for each row execute function entente_bump_org_revision();

-- Fingerprints recorded before the revision existed describe nothing it can match.
delete from deadline_org_check;
