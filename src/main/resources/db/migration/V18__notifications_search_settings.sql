-- Members' notifications, full-text search, and account settings (issue 14).

-- A notification says something happened that concerns one member: a reply to their post, a mention,
-- or an outcome of a report they filed. It names the post or report, never the text: what it shows
-- is read from the post when listed, so a post removed or deleted later shows nothing of its words.
create table notification (
    id                  bigserial primary key,
    account_id          bigint not null references account (id) on delete cascade,
    kind                text not null check (kind in ('reply', 'mention', 'report_outcome')),
    post_id             bigint references post (id) on delete cascade,
    report_id           bigint references report (id) on delete cascade,
    outcome             text check (outcome in ('resolved', 'dismissed')),
    created_at          timestamptz not null default now(),
    read_at             timestamptz,
    check ((kind = 'report_outcome') = (report_id is not null and outcome is not null)),
    check ((kind = 'report_outcome') = (post_id is null))
);
-- One notification per thing: a repeated delivery or decision adds none.
create unique index notification_once on notification (account_id, kind, coalesce(post_id, 0), coalesce(report_id, 0));
create index notification_list on notification (account_id, id desc);
create index notification_unread on notification (account_id) where read_at is null;

-- Search. 'simple' (no stemming, no stop words): communities write in many languages, and one
-- language's stemmer would mangle the others' words; prefix queries make up for the missing stems.
alter table post add column search tsvector generated always as (
    setweight(to_tsvector('simple', coalesce(title, '')), 'A') || setweight(to_tsvector('simple', content_html), 'B')
) stored;
create index post_search on post using gin (search);

alter table community add column search tsvector generated always as (
    setweight(to_tsvector('simple', title), 'A') || setweight(to_tsvector('simple', description), 'B')
) stored;
create index community_search on community using gin (search);
-- A community's name lives on its actor: searched by an expression index of its own.
create index actor_group_name_search on actor using gin (to_tsvector('simple', replace(preferred_username, '_', ' ')))
    where type = 'Group';

-- Account settings: whether content warnings start open, and when a session was last used
-- (to the minute or so; never where from).
alter table account add column content_warnings_open boolean not null default false;
alter table session add column last_used_at timestamptz;
update session set last_used_at = created_at;
alter table session alter column last_used_at set not null;
alter table session alter column last_used_at set default now();
