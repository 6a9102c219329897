-- A tenant's revision: bumped by every insert, update or delete of its agreements and
-- obligations, so a listing learns whether its key dates may be stale from one primary-key
-- read (counting and scanning both tables cost ~12 ms a listing at 100,000 agreements).
-- SQLite runs one writer at a time, so a row trigger per change costs no contention.
create table org_revision (
    organisation_id text primary key,
    revision integer not null
);
insert into org_revision (organisation_id, revision) select organisation_id, 1 from organisation;

create trigger agreement_revision_insert after insert on agreement begin
    insert or ignore into org_revision (organisation_id, revision) values (new.organisation_id, 0);
    update org_revision set revision = revision + 1 where organisation_id = new.organisation_id;
end;
create trigger agreement_revision_update after update on agreement begin
    insert or ignore into org_revision (organisation_id, revision) values (new.organisation_id, 0);
    update org_revision set revision = revision + 1 where organisation_id = new.organisation_id;
end;
create trigger agreement_revision_delete after delete on agreement begin
    insert or ignore into org_revision (organisation_id, revision) values (old.organisation_id, 0);
    update org_revision set revision = revision + 1 where organisation_id = old.organisation_id;
end;
create trigger obligation_revision_insert after insert on obligation begin
    insert or ignore into org_revision (organisation_id, revision) values (new.organisation_id, 0);
    update org_revision set revision = revision + 1 where organisation_id = new.organisation_id;
end;
create trigger obligation_revision_update after update on obligation begin
    insert or ignore into org_revision (organisation_id, revision) values (new.organisation_id, 0);
    update org_revision set revision = revision + 1 where organisation_id = new.organisation_id;
end;
create trigger obligation_revision_delete after delete on obligation begin
    insert or ignore into org_revision (organisation_id, revision) values (old.organisation_id, 0);
    update org_revision set revision = revision + 1 where organisation_id = old.organisation_id;
end;

-- Fingerprints recorded before the revision existed describe nothing it can match.
delete from deadline_org_check;
