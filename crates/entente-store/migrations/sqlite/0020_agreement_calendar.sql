-- A business-day calendar a person set on an agreement (a built-in code such as gb-eng); it
-- wins over the parties' jurisdiction, the governing law and the tenant's default. Null: none set.
alter table agreement add column calendar text;
