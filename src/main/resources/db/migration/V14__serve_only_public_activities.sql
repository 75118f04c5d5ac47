-- What we serve of what we sent (the outbox collections, and an activity's id when fetched) is only
-- what was addressed to the public: a Flag carries a report's words and sometimes its reporter, a
-- Follow or an Accept says who belongs to which support community, and none of that is anyone else's.
-- Votes are left out too, though Lemmy's form addresses them to the public: what a member upvoted in
-- a support community is theirs. The queue writes the flag for the group's announces itself.
create function is_vote(activity jsonb) returns boolean language sql immutable as $$
    select coalesce(activity ->> 'type', '') in ('Like', 'Dislike', 'EmojiReact')
        or coalesce(activity ->> 'type', '') = 'Undo'
           and coalesce(activity -> 'object' ->> 'type', '') in ('Like', 'Dislike', 'EmojiReact')
$$;

create function served_publicly(body text) returns boolean language sql immutable as $$
    select (coalesce((b -> 'to') @> '"https://www.w3.org/ns/activitystreams#Public"'::jsonb, false)
            or coalesce((b -> 'cc') @> '"https://www.w3.org/ns/activitystreams#Public"'::jsonb, false))
        and not is_vote(b)
        and not (coalesce(b ->> 'type', '') = 'Announce' and is_vote(b -> 'object'))
    from (select body::jsonb as b) parsed
$$;

-- Once a post is deleted or removed, what carried its words (Create, Update, the group's announces of
-- them) is no longer served either; the Delete or removal itself stays, since servers that received it
-- through the group fetch it from its origin to trust it.
create function carries_content(body text) returns boolean language sql immutable as $$
    select coalesce(b ->> 'type', '') in ('Create', 'Update')
        or coalesce(b ->> 'type', '') = 'Announce'
           and coalesce(b -> 'object' ->> 'type', '') in ('Create', 'Update', 'Page', 'Note', 'Article', 'Question')
    from (select body::jsonb as b) parsed
$$;

alter table outbound_activity add column public boolean not null default false;
update outbound_activity set public = served_publicly(body);
create index outbound_activity_public on outbound_activity (actor_id, id) where public;
