-- What storing a version did to what was tracked (JSON counts; null for a first version and
-- for amendment letters), shown with the version.
alter table document_version add column reconciliation text;
