-- Review queue: the confidence of an extracted term as a column (null for a person's value),
-- so the tenant's "to review" list is one indexed query; and the tenant's threshold.
alter table term add column confidence double precision;
update term set confidence = json_extract(source, '$.confidence')
    where json_extract(source, '$.kind') = 'extracted';
create index term_review on term (organisation_id, confidence);

create table review_setting (
    organisation_id text primary key,
    threshold text not null,
    created_at text not null,
    updated_at text not null
);
