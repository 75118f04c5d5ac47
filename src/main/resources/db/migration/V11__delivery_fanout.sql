-- A group's announce to all its followers is one row here, not one delivery per follower inbox:
-- the transaction that accepts an activity writes two small rows instead of hundreds, and the
-- delivery worker expands each into per-inbox deliveries (followers as they are at expansion,
-- the federation policy applied then) just before sending. Mastodon's DistributionWorker does the same.
create table delivery_fanout (
    id                  bigserial primary key,
    outbound_id         bigint not null references outbound_activity (id) on delete cascade,
    followers_of        bigint not null references actor (id),
    also_to             text[] not null default '{}',
    object_id           text,
    created_at          timestamptz not null default now()
);
create index delivery_fanout_object on delivery_fanout (object_id, outbound_id) where object_id is not null;

-- Per-object order is the order activities were queued (outbound_activity.id), which a fan-out
-- expanded later keeps; delivery.id would put an expanded Create after a later Update.
drop index delivery_order;
create index delivery_order on delivery (inbox, object_id, outbound_id) where state in ('queued', 'in_flight', 'parked');

-- Inboxes are deduplicated before they are written, and a fan-out is expanded once (the row is
-- deleted in the same transaction), so the unique index only cost time on every insert.
alter table delivery drop constraint delivery_outbound_id_inbox_key;
