-- Issue 17, anonymous posting: a community may let members post under a per-thread pseudonym.
alter table community add column anonymous_posting boolean not null default false;

-- A pseudonym is an actor of the community's own (its own keys, a Person other servers display),
-- one per author per thread: "Anonymous member N". Posts are stored under the pseudonym actor, so
-- everything that shows an author shows the pseudonym; only this table knows who wrote them, and
-- only moderators, admins and the author themselves are ever told (thread.Anonymity).
create table pseudonym (
    actor_id        bigint primary key references actor (id) on delete cascade,
    community_id    bigint not null references community (id) on delete cascade,
    -- null only inside the transaction that starts the thread, before the thread's row exists
    thread_id       bigint references post (id) on delete cascade,
    number          int not null check (number >= 1),
    author_id       bigint not null references actor (id) on delete cascade,
    unique (thread_id, number),
    unique (thread_id, author_id)
);
create index pseudonym_author on pseudonym (author_id);

-- A member of another Kindred instance asked for anonymity: the id their server gave the post, so
-- its later Update and Delete (sent privately, as the Create was) find the post published here.
create table anonymous_source (
    post_id         bigint primary key references post (id) on delete cascade,
    source_uri      text not null unique
);

-- A reply to a member's anonymous post tells them so ("replied to your anonymous post").
alter table notification drop constraint notification_kind_check;
alter table notification add constraint notification_kind_check
    check (kind in ('reply', 'mention', 'report_outcome', 'post_declined', 'anonymous_reply'));

-- On the writer's own server: a post our member sent to a community elsewhere to be published there
-- anonymously. Kept here held (only its writer sees it), never served, listed or sent to anyone else;
-- its edits and delete go privately to that community as the request did.
create table anonymous_request (
    post_id         bigint primary key references post (id) on delete cascade
);
