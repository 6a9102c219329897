-- What an amendment's document is: a letter that changes only what it states (its text sits
-- beside the agreement's) or the agreement restated in full (its text replaces it). Every
-- amendment recorded before letters were told apart was taken as a restatement.
alter table amendment add column kind text not null default 'restatement'
    check (kind in ('letter', 'restatement'));
-- Which versions are letters, when the text in force is looked up per version.
create index amendment_version on amendment (version_id);
