-- Whether the parties to an agreement compete (actually or potentially), in which markets and
-- with what combined market share, as a person entered it: the competition-law screen reads it
-- for block-exemption thresholds and the portfolio flags competitor cooperations. One row per
-- agreement, replaced on each change; the audit trail keeps every earlier value.
create table competitor_context (
    agreement_id text primary key references agreement (agreement_id) on delete cascade,
    organisation_id text not null,
    competing text not null check (competing in ('none', 'actual', 'potential')),
    -- A JSON array of market names, in the order entered.
    markets text not null,
    -- Percent, 0 to 100; null when nobody knows it yet.
    combined_share double precision check (combined_share is null or (combined_share >= 0 and combined_share <= 100)),
    updated_by text not null,
    created_at text not null,
    updated_at text not null
);
create index competitor_context_organisation on competitor_context (organisation_id);
