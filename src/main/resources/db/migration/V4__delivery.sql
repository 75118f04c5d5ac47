-- Transactional outbox: an activity to send, serialised once, written in the same transaction as
-- the change that caused it.
create table outbound_activity (
    id                  bigserial primary key,
    activity_id         text not null unique,
    actor_id            bigint not null references actor (id),
    object_id           text,
    body                text not null,
    created_at          timestamptz not null default now()
);

-- One row per activity and destination inbox (shared inboxes preferred, deduplicated).
create table delivery (
    id                  bigserial primary key,
    outbound_id         bigint not null references outbound_activity (id) on delete cascade,
    inbox               text not null,
    host                text not null,
    object_id           text,
    state               text not null default 'queued'
                        check (state in ('queued', 'in_flight', 'delivered', 'failed', 'parked')),
    attempts            integer not null default 0,
    next_attempt_at     timestamptz not null default now(),
    claimed_by          text,
    claimed_until       timestamptz,
    last_status         integer,
    last_error          text,
    delivered_at        timestamptz,
    created_at          timestamptz not null default now(),
    unique (outbound_id, inbox)
);
create index delivery_due on delivery (next_attempt_at, id) where state in ('queued', 'in_flight');
create index delivery_host_state on delivery (host, state);
create index delivery_order on delivery (inbox, object_id, id) where state in ('queued', 'in_flight', 'parked');

-- How each destination host is doing: failing since when, marked unavailable after days of failure.
create table host_health (
    host                text primary key,
    failing_since       timestamptz,
    unavailable         boolean not null default false,
    last_error          text,
    last_success_at     timestamptz,
    next_probe_at       timestamptz
);

-- An actor whose server answered 410 Gone: nothing more is sent to it.
alter table actor add column gone_at timestamptz;

-- Local deliveries skip HTTP and land in the inbound table directly.
alter table inbound_activity drop constraint inbound_activity_signature_scheme_check;
alter table inbound_activity add constraint inbound_activity_signature_scheme_check
    check (signature_scheme in ('cavage', 'rfc9421', 'local'));
