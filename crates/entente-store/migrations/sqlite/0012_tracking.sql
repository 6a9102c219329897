-- The day an agreement's tracking began. Occurrences of its obligations due earlier are
-- history: neither overdue nor alerted unless someone records them. An import of an executed
-- agreement sets it (the import date, or the earlier day the importer names); null tracks
-- every occurrence from the effective date on, as before, so existing agreements are unchanged.
alter table agreement add column tracked_from text;
