-- The first answer to a create request sent with an `Idempotency-Key`, replayed for a retry
-- with the same key and request for 24 hours. `caller` is a hash of the credential, so keys
-- of different callers never meet; `status` is null while the first request is running.
create table idempotency_key (
    caller text not null,
    idem_key text not null,
    request_hash text not null,
    status integer,
    content_type text,
    location text,
    body text,
    expires_at text not null,
    created_at text not null,
    updated_at text not null,
    primary key (caller, idem_key)
);
-- Expired rows are removed by expiry time.
create index idempotency_key_expires on idempotency_key (expires_at);
