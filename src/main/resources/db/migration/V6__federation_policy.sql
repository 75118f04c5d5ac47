-- Instance-wide domain blocks. domain is a normalised pattern: host, host:port, or *.host.
create table domain_block (
    id                  bigserial primary key,
    domain              text not null unique,
    severity            text not null check (severity in ('suspend', 'limit', 'noop')),
    reject_media        boolean not null default false,
    reject_reports      boolean not null default false,
    public_comment      text not null default '',
    private_comment     text not null default '',
    obfuscate           boolean not null default false,
    created_at          timestamptz not null default now(),
    updated_at          timestamptz not null default now()
);

-- Allowlist mode: only these domains federate at all.
create table domain_allow (
    domain              text primary key,
    created_at          timestamptz not null default now()
);

-- A community shutting out one instance or one remote actor, without the whole instance doing so.
create table community_block (
    community_id        bigint not null references community (id) on delete cascade,
    target              text not null,
    kind                text not null check (kind in ('domain', 'actor')),
    reason              text not null default '',
    created_at          timestamptz not null default now(),
    primary key (community_id, target)
);

-- Every admin policy action: who, what, when, why.
create table audit_log (
    id                  bigserial primary key,
    actor               text not null,
    action              text not null,
    target              text not null,
    reason              text not null default '',
    details             jsonb not null default '{}'::jsonb,
    created_at          timestamptz not null default now()
);

-- Mastodon's "severed relationships": what a member lost to a block, readable later.
create table severed_relationship (
    id                  bigserial primary key,
    account_id          bigint not null references account (id) on delete cascade,
    domain              text not null,
    lost_following      integer not null default 0,
    lost_followers      integer not null default 0,
    created_at          timestamptz not null default now()
);

-- Content of a suspended domain stays stored but hidden.
alter table actor add column suspended_at timestamptz;
