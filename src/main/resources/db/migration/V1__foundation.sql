-- Actors we know: our own (instance, members, communities) and remote ones we have fetched.
create table actor (
    id                  bigserial primary key,
    uri                 text not null unique,
    type                text not null check (type in ('Application', 'Group', 'Person', 'Service', 'Organization')),
    preferred_username  text not null,
    domain              text not null,
    local               boolean not null,
    name                text,
    inbox               text not null,
    shared_inbox        text,
    outbox              text,
    followers           text,
    public_key_id       text,
    public_key_pem      text,
    ed25519_key_id      text,
    ed25519_multibase   text,
    fetched_at          timestamptz,
    created_at          timestamptz not null default now(),
    updated_at          timestamptz not null default now()
);
-- One namespace for local members and communities, so acct:name@domain is never ambiguous.
create unique index actor_local_name on actor (preferred_username) where local;
create index actor_domain on actor (domain);

-- Private halves of our own actors' keys. Kept apart so no query for actor data can leak them.
create table actor_private_key (
    actor_id            bigint primary key references actor (id) on delete cascade,
    rsa_private_pem     text not null,
    ed25519_private     bytea not null
);

-- The instance (server-level) actor: exactly one row.
create table instance (
    singleton           boolean primary key default true check (singleton),
    actor_id            bigint not null references actor (id),
    created_at          timestamptz not null default now()
);

create table account (
    id                  bigserial primary key,
    actor_id            bigint not null unique references actor (id),
    username            text not null unique,
    password_hash       text not null,
    role                text not null check (role in ('member', 'admin')),
    created_at          timestamptz not null default now()
);

create table community (
    id                  bigserial primary key,
    actor_id            bigint not null unique references actor (id),
    title               text not null,
    description         text not null default '',
    sensitive           boolean not null default false,
    posting_restricted_to_mods boolean not null default false,
    created_at          timestamptz not null default now(),
    updated_at          timestamptz not null default now()
);

create table community_moderator (
    community_id        bigint not null references community (id) on delete cascade,
    actor_id            bigint not null references actor (id),
    added_at            timestamptz not null default now(),
    primary key (community_id, actor_id)
);

create table follow (
    id                  bigserial primary key,
    follower_id         bigint not null references actor (id),
    followed_id         bigint not null references actor (id),
    state               text not null check (state in ('pending', 'accepted')),
    activity_uri        text,
    created_at          timestamptz not null default now(),
    unique (follower_id, followed_id)
);
create index follow_followed on follow (followed_id, state);
