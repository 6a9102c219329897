-- Calendar feeds belong to a member: the feed is listed, rotated and deleted only by its
-- owner (or an administrator), and its .ics shows what the owner may see when it is read.
--
-- Feeds made before this column existed keep a null owner and serve nothing until an
-- administrator deletes them and their people subscribe again. Their owner is not guessed
-- from `created_by`: anyone in the tenant could rotate a feed then, so whoever holds a
-- feed's current URL need not be the member who created it.
alter table calendar_feed add column owner_user_id text references app_user (user_id) on delete cascade;
create index calendar_feed_owner on calendar_feed (organisation_id, owner_user_id);
