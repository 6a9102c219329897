-- Portfolio listing at scale. The listing loads the parties and tags of a page's agreements
-- by tenant and agreement id, in one query each.
create index agreement_party_agreement on agreement_party (organisation_id, agreement_id, ordinal);
create index agreement_tag_agreement on agreement_tag (organisation_id, agreement_id, tag);

-- One index per listing order, matching its ORDER BY term for term, so a page is read in
-- index order instead of sorting the whole tenant; `x is null` first keeps unknown dates last
-- on both backends.
create index agreement_org_updated on agreement (organisation_id, updated_at, agreement_id);
create index agreement_org_title on agreement (organisation_id, (lower(title)), agreement_id);
create index agreement_org_effective_order on agreement (organisation_id, (effective_date is null), effective_date, agreement_id);
create index agreement_org_expiration_order on agreement (organisation_id, (expiration_date is null), expiration_date, agreement_id);
create index agreement_org_notice_order on agreement (organisation_id, (notice_deadline is null), notice_deadline, agreement_id);
