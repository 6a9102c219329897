-- The portfolio listing reads its dates from the key-date engine's materialised rows: windows
-- look up a tenant's key dates of one kind by day, and each listed agreement its next key date
-- of a kind. Staleness checks read an agreement's obligations by last change.
create index deadline_org_kind_due on deadline (organisation_id, kind, due_date, agreement_id);
create index deadline_agreement_kind_due on deadline (agreement_id, kind, due_date);
create index obligation_agreement_updated on obligation (agreement_id, updated_at);
