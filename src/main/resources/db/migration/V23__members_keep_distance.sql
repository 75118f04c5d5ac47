-- A member's distance from others and from the instance (issue 18): blocks, mutes, hidden
-- communities, breaks, and exports of what we hold about them. All of it is private to the member:
-- nothing here is ever federated or shown to anyone else.

-- A block hides both ways and refuses replies; a mute only hides the other's posts and notifications
-- from the member who muted. One row per pair and kind; the other may be local or remote.
create table member_distance (
    account_id          bigint not null references account (id) on delete cascade,
    actor_id            bigint not null references actor (id) on delete cascade,
    kind                text not null check (kind in ('block', 'mute')),
    created_at          timestamptz not null default now(),
    primary key (account_id, actor_id, kind)
);
create index member_distance_actor on member_distance (actor_id) where kind = 'block';

-- A community the member keeps out of their cross-community listings (search, and the web feeds).
create table hidden_community (
    account_id          bigint not null references account (id) on delete cascade,
    community_id        bigint not null references community (id) on delete cascade,
    created_at          timestamptz not null default now(),
    primary key (account_id, community_id)
);

-- A break from one community (community_id) or the whole instance (null), until a time or, with
-- ends_at null, until the member comes back. Ended by deleting the row.
create table member_break (
    id                  bigserial primary key,
    account_id          bigint not null references account (id) on delete cascade,
    community_id        bigint references community (id) on delete cascade,
    started_at          timestamptz not null default now(),
    ends_at             timestamptz
);
create unique index member_break_once on member_break (account_id, coalesce(community_id, 0));

-- One export per member at a time, made in the background; the file lives under the data folder
-- and its link (a random token) stops working at expires_at.
create table member_export (
    account_id          bigint primary key references account (id) on delete cascade,
    status              text not null check (status in ('pending', 'running', 'ready', 'failed')),
    progress            integer not null default 0 check (progress between 0 and 100),
    token               text unique,
    file_name           text,
    error               text,
    requested_at        timestamptz not null default now(),
    finished_at         timestamptz,
    expires_at          timestamptz,
    -- When a worker took it up; one that stopped (a restart) is taken up again after a while.
    claimed_at          timestamptz
);
create index member_export_waiting on member_export (requested_at) where status in ('pending', 'running');
