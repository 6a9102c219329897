-- Counterparty scope: a counterparty user sees only the duties its own party owes. Obligors
-- are free text ("Globex", "the Supplier", "each"), so each side of the comparison keeps a
-- match key (entente_domain::party::match_key): the obligor's, the party's legal name's, and
-- the short name the agreement defines. The keys are computed in Rust (Unicode-aware), so
-- rows that exist before this migration are keyed by the store right after it runs.
alter table obligation add column obligor_key text;
alter table party add column match_key text;
alter table agreement_party add column short_key text;

-- Rows still to be keyed; empty once the store has run, so the start-up check costs nothing.
create index obligation_unkeyed on obligation (obligation_id) where obligor_key is null;
create index party_unkeyed on party (party_id) where match_key is null;
