-- What we serve of what we sent (the outbox collections, and an activity's id when fetched) is only
-- what was addressed to the public: a Flag carries a report's words and sometimes its reporter, a
-- Follow or an Accept says who belongs to which support community, and none of that is anyone else's.
create function addressed_to_public(body text) returns boolean language sql immutable as $$
    select coalesce((body::jsonb -> 'to') @> '"https://www.w3.org/ns/activitystreams#Public"'::jsonb, false)
        or coalesce((body::jsonb -> 'cc') @> '"https://www.w3.org/ns/activitystreams#Public"'::jsonb, false)
$$;

alter table outbound_activity add column public boolean not null default false;
update outbound_activity set public = addressed_to_public(body);
create index outbound_activity_public on outbound_activity (actor_id, id) where public;
