-- The tenant's own legal entities (its company, subsidiaries, trading names and aliases): a
-- party whose legal or short name meets one of them is "us", not a counterparty, and is left
-- out of counterparty filters and reports. Keyed by entente_domain::party::match_key.
create table own_entity (
    organisation_id text not null references organisation (organisation_id),
    match_key text not null,
    name text not null,
    -- the order the tenant gave the names in
    ordinal integer not null,
    created_at text not null,
    primary key (organisation_id, match_key)
);
