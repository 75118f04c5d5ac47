-- Threads and comments keep their wire type, the Create that brought them, and extras
-- (hashtags, mentions, attachments as links) as JSON.
alter table post add column ap_type text not null default 'Note';
alter table post add column activity_uri text;
alter table post add column extras jsonb not null default '{}'::jsonb;

-- One vote per actor per post: +1 (Like, a Mastodon favourite) or -1 (Dislike).
create table vote (
    post_id             bigint not null references post (id) on delete cascade,
    actor_id            bigint not null references actor (id),
    value               smallint not null check (value in (-1, 1)),
    activity_uri        text,
    created_at          timestamptz not null default now(),
    primary key (post_id, actor_id)
);
create index vote_activity on vote (activity_uri);

-- Sign-in tokens for the client API, stored only as SHA-256 hashes.
create table session (
    id                  bigserial primary key,
    account_id          bigint not null references account (id) on delete cascade,
    token_hash          bytea not null unique,
    created_at          timestamptz not null default now(),
    expires_at          timestamptz not null,
    revoked_at          timestamptz
);

create index follow_activity on follow (activity_uri);
