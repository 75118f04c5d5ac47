-- Issue 19: rate limits that hold for the whole instance when several processes share this database.
-- One row per limit and key, in the layout of Bucket4j's PostgreSQL integration: the bucket's state as
-- Bucket4j serialises it, and when (epoch milliseconds) a full bucket may be forgotten. Keys are member
-- ids, remote host names or HMACs (client addresses, account names): never an address or a typed name.
create table rate_limit_bucket (
    id text primary key,
    state bytea,
    expires_at bigint
);
create index rate_limit_bucket_expires on rate_limit_bucket (expires_at);

-- The secret under which every process makes the same HMAC of a client's address (ratelimit.ClientKeys),
-- one per UTC day: a process makes the day's secret if none is there yet and deletes those older than
-- yesterday's, so a copy of the database can link at most two days of buckets back to addresses.
create table rate_limit_secret (
    day bigint primary key,
    secret bytea not null
);
-- Neither table is read by any page: no readable_changed trigger (V38).
