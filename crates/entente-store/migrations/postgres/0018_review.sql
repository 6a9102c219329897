-- Review queue: the confidence of an extracted term as a column (null for a person's value),
-- so the tenant's "to review" list is one indexed query; and the tenant's threshold.
alter table term add column confidence double precision;
update term set confidence = (source::jsonb ->> 'confidence')::double precision
    where source::jsonb ->> 'kind' = 'extracted';
-- Partial: only the review queue's query (confidence is not null) can use it. A full index on
-- (organisation_id, confidence) was chosen by SQLite's planner for every read of one
-- agreement's terms, scanning the whole tenant's terms on each (a 20x slower bulk load).
create index term_review on term (organisation_id, confidence) where confidence is not null;

create table review_setting (
    organisation_id text primary key,
    threshold text not null,
    created_at text not null,
    updated_at text not null
);
