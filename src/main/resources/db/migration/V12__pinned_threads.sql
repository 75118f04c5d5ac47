-- Pinned threads (issue 7): a moderator features a thread at the top of its community, Lemmy's
-- "featured in community", federated as Add/Remove to the Group's featured collection.
alter table post add column pinned_at timestamptz;
create index post_pinned on post (community_id, pinned_at desc) where pinned_at is not null;

-- The featured collection a remote actor names in its document. A Group's Add/Remove to it pins
-- and unpins; Lemmy's lives at {group}/featured, but others may name another URL.
alter table actor add column featured text;
create index actor_featured on actor (featured) where featured is not null;
