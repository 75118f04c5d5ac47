-- Moderation (issue 7): guidelines, removals, locks, bans and the moderation log.

-- A community's numbered rules; reports cite them by number.
create table community_rule (
    community_id        bigint not null references community (id) on delete cascade,
    number              integer not null check (number >= 1),
    title               text not null,
    description         text not null default '',
    primary key (community_id, number)
);

-- Whether the public log names the moderator who acted (off: only moderators and admins see it).
alter table community add column show_moderator_names boolean not null default false;

-- A moderator's removal hides a post but keeps its content, so it can be restored; the author's
-- own delete (deleted_at) is final.
alter table post add column removed_at timestamptz;
alter table post add column removal_reason text;
alter table post add column locked_at timestamptz;

-- A member shut out of one community, local or remote (a remote community's ban of our member is
-- stored so we refuse and show it too). expires_at null: until lifted.
create table community_ban (
    community_id        bigint not null references community (id) on delete cascade,
    actor_id            bigint not null references actor (id),
    reason              text not null default '',
    expires_at          timestamptz,
    created_at          timestamptz not null default now(),
    primary key (community_id, actor_id)
);

-- Every moderation action in a community, ours and those received from remote moderators.
create table moderation_log (
    id                  bigserial primary key,
    community_id        bigint not null references community (id) on delete cascade,
    moderator_id        bigint references actor (id),
    action              text not null,
    target              text not null,
    reason              text not null default '',
    expires_at          timestamptz,
    created_at          timestamptz not null default now()
);
create index moderation_log_community on moderation_log (community_id, created_at desc, id desc);
