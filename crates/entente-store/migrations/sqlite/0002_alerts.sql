-- Key dates, obligations over time, performance measurements, alerts and their delivery,
-- and calendar feeds. Types as in 0001: text ids/dates/instants, integers for flags.

-- Per-tenant alert settings; a tenant without a row uses the defaults (90/30/7/1, UTC).
create table alert_setting (
    organisation_id text primary key references organisation (organisation_id),
    -- JSON array of whole days before a due date, e.g. [90, 30, 7, 1]
    lead_days text not null,
    overdue_daily integer not null,
    -- IANA time zone: "today" for the tenant's deadlines
    time_zone text not null,
    -- built-in business-day calendar id, or null for weekends only
    calendar text,
    created_at text not null,
    updated_at text not null
);

-- People who receive an agreement's alerts besides its owner and the obligation owners.
create table watcher (
    agreement_id text not null references agreement (agreement_id) on delete cascade,
    organisation_id text not null,
    email text not null,
    created_at text not null,
    updated_at text not null,
    primary key (agreement_id, email)
);
create index watcher_org_email on watcher (organisation_id, email);

-- Materialised deadlines: key dates and obligation occurrences within a horizon, recomputed
-- from the terms whenever the agreement or its obligations change, so portfolio deadline
-- queries and the scheduler read one indexed table.
create table deadline (
    organisation_id text not null,
    agreement_id text not null references agreement (agreement_id) on delete cascade,
    -- stable within the agreement: 'kd:notice:2' or 'ob:<obligation id>:<seq>'
    subject text not null,
    obligation_id text,
    kind text not null,
    due_date text not null,
    label text not null,
    derivation text not null,
    clause_id text,
    clause_label text,
    conditional integer not null,
    owner text,
    created_at text not null,
    updated_at text not null,
    primary key (agreement_id, subject)
);
create index deadline_org_due on deadline (organisation_id, due_date);
create index deadline_due on deadline (due_date);

-- What the deadlines above were computed from, to find stale agreements cheaply.
create table deadline_state (
    agreement_id text primary key references agreement (agreement_id) on delete cascade,
    organisation_id text not null,
    source_stamp text not null,
    horizon_until text not null,
    created_at text not null,
    updated_at text not null
);

-- What a person recorded about one occurrence of an obligation (absent = pending/overdue).
create table occurrence (
    obligation_id text not null references obligation (obligation_id) on delete cascade,
    organisation_id text not null,
    due_date text not null,
    status text not null,
    note text,
    recorded_by text not null,
    recorded_at text not null,
    created_at text not null,
    updated_at text not null,
    primary key (obligation_id, due_date)
);

-- Files attached as evidence that an occurrence was done.
create table occurrence_evidence (
    occurrence_evidence_id text primary key,
    organisation_id text not null,
    obligation_id text not null references obligation (obligation_id) on delete cascade,
    due_date text not null,
    filename text not null,
    media_type text not null,
    sha256 text not null,
    size integer not null,
    content blob not null,
    uploaded_by text not null,
    created_at text not null,
    updated_at text not null
);
create index occurrence_evidence_occ on occurrence_evidence (obligation_id, due_date);

-- Performance measurements against an obligation's threshold.
create table measurement (
    measurement_id text primary key,
    organisation_id text not null,
    agreement_id text not null references agreement (agreement_id) on delete cascade,
    obligation_id text not null references obligation (obligation_id) on delete cascade,
    measured_on text not null,
    -- decimal as text: exact comparison with the threshold
    value text not null,
    unit text not null,
    -- the threshold (JSON) the value was judged against, kept as it was then
    threshold text not null,
    breach integer not null,
    note text,
    source text not null,
    recorded_by text not null,
    created_at text not null,
    updated_at text not null,
    unique (obligation_id, measured_on)
);
create index measurement_org on measurement (organisation_id, measured_on);

-- A measurement that missed its threshold: the finding people follow up.
create table performance_breach (
    performance_breach_id text primary key,
    organisation_id text not null,
    agreement_id text not null references agreement (agreement_id) on delete cascade,
    obligation_id text not null references obligation (obligation_id) on delete cascade,
    measurement_id text not null unique references measurement (measurement_id) on delete cascade,
    summary text not null,
    created_at text not null,
    updated_at text not null
);

-- An alert, raised once per (subject, due date, lead time): the unique key makes raising
-- idempotent across scheduler instances.
create table alert (
    alert_id text primary key,
    organisation_id text not null,
    alert_key text not null,
    agreement_id text,
    obligation_id text,
    kind text not null,
    due_date text,
    lead_days integer,
    title text not null,
    body text not null,
    payload text not null,
    raised_at text not null,
    created_at text not null,
    updated_at text not null,
    unique (organisation_id, alert_key)
);
create index alert_org_raised on alert (organisation_id, raised_at);

-- The outbox: one row per alert, channel and target, claimed by one instance at a time
-- with a lease; a crashed instance's lease expires and another retries.
create table delivery (
    delivery_id text primary key,
    organisation_id text not null,
    alert_id text not null references alert (alert_id) on delete cascade,
    channel text not null,
    target text not null,
    status text not null,
    attempts integer not null,
    next_attempt_at text not null,
    claimed_by text,
    lease_until text,
    last_error text,
    sent_at text,
    created_at text not null,
    updated_at text not null,
    unique (alert_id, channel, target)
);
create index delivery_ready on delivery (status, next_attempt_at);

-- The delivery log: every attempt, by which instance, with its outcome.
create table delivery_attempt (
    delivery_attempt_id text primary key,
    organisation_id text not null,
    delivery_id text not null references delivery (delivery_id) on delete cascade,
    attempt integer not null,
    instance text not null,
    started_at text not null,
    outcome text not null,
    http_status integer,
    error text,
    duration_ms integer not null,
    created_at text not null,
    updated_at text not null
);
create index delivery_attempt_delivery on delivery_attempt (delivery_id);

-- The in-app inbox.
create table inbox_item (
    inbox_item_id text primary key,
    organisation_id text not null,
    recipient text not null,
    alert_id text not null references alert (alert_id) on delete cascade,
    title text not null,
    body text not null,
    read_at text,
    created_at text not null,
    updated_at text not null,
    unique (alert_id, recipient)
);
create index inbox_item_recipient on inbox_item (organisation_id, recipient, created_at);

-- Webhook endpoints per tenant; the secret signs every delivery (Standard Webhooks).
create table webhook (
    webhook_id text primary key,
    organisation_id text not null references organisation (organisation_id),
    url text not null,
    secret text not null,
    description text,
    active integer not null,
    created_at text not null,
    updated_at text not null
);

-- iCalendar feeds; only the SHA-256 of each secret token is kept.
create table calendar_feed (
    calendar_feed_id text primary key,
    organisation_id text not null references organisation (organisation_id),
    scope text not null,
    subject text not null,
    token_hash text not null unique,
    created_by text not null,
    rotated_at text,
    created_at text not null,
    updated_at text not null
);
