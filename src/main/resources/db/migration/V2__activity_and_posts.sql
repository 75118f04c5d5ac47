-- When a member last did something (created, signed in, posted); NodeInfo's active-user counts.
alter table account add column last_active_at timestamptz not null default now();

-- Threads (parent_id null) and comments, local and remote, in local or remote communities.
create table post (
    id                  bigserial primary key,
    uri                 text not null unique,
    community_id        bigint not null references community (id),
    author_id           bigint not null references actor (id),
    parent_id           bigint references post (id),
    thread_id           bigint references post (id),
    local               boolean not null,
    title               text,
    content_html        text not null default '',
    source_markdown     text,
    summary             text,
    sensitive           boolean not null default false,
    language            text,
    url                 text,
    published           timestamptz not null default now(),
    updated             timestamptz,
    deleted_at          timestamptz,
    check ((parent_id is null) = (thread_id is null))
);
create index post_community on post (community_id, published desc);
create index post_thread on post (thread_id);
