-- Images (issue 20). The file lives in media storage under file_key, a name we chose; the row says
-- what it is, who uploaded it and where it is used. A removed image keeps its row (so a repeat of
-- its id is refused, not reused) and loses its file.
create table media (
    id              bigserial primary key,
    file_key        text not null unique,
    owner_id        bigint references actor (id) on delete set null,
    content_type    text not null check (content_type in ('image/jpeg', 'image/png')),
    width           integer not null,
    height          integer not null,
    bytes           integer not null,
    alt             text,
    created_at      timestamptz not null default now(),
    removed_at      timestamptz,
    file_deleted    boolean not null default false
);
create index media_owner on media (owner_id);
create index media_to_purge on media (id) where removed_at is not null and not file_deleted;

-- Which local post shows which upload, in order.
create table post_media (
    post_id         bigint not null references post (id) on delete cascade,
    media_id        bigint not null references media (id) on delete cascade,
    position        integer not null,
    primary key (post_id, media_id)
);
create index post_media_media on post_media (media_id);

-- Our actors' icon (avatar) and image (banner) are uploads; remote actors' are addresses we proxy.
alter table actor
    add column icon_media_id  bigint references media (id) on delete set null,
    add column image_media_id bigint references media (id) on delete set null,
    add column icon_url       text,
    add column image_url      text;

-- The key that signs proxied addresses, so /media/remote serves only addresses we published and is
-- no open proxy. One row; made here so every process of the instance shares it.
create table media_proxy_key (
    only_row        boolean primary key default true check (only_row),
    secret          text not null
);
insert into media_proxy_key (secret) values (replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''));
