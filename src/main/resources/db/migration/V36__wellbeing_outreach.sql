-- Wellbeing outreach (issue 16): moderators on duty, concerns that reach a person, check-in messages.

-- A moderator on duty is told of a wellbeing concern at once; null when off duty.
alter table community_moderator add column on_duty_since timestamptz;

-- A moderator (or admin) opened the concern: from then nobody needs to be reminded of it. A concern
-- nobody has seen within the configured time is brought to the admins once (escalated_at).
alter table report
    add column seen_at timestamptz,
    add column escalated_at timestamptz;
create index report_unseen_concern on report (created_at)
    where concern = 'wellbeing' and status = 'open' and seen_at is null and escalated_at is null;

-- A member the moderators stopped from filing wellbeing concerns (used to harass someone).
-- community_id null: an admin's stop, for the whole instance.
create table concern_stop (
    id                  bigserial primary key,
    actor_id            bigint not null references actor (id) on delete cascade,
    community_id        bigint references community (id) on delete cascade,
    stopped_by          bigint references actor (id) on delete set null,
    reason              text not null default '',
    created_at          timestamptz not null default now()
);
create unique index concern_stop_once on concern_stop (actor_id, coalesce(community_id, 0));

-- Short check-in messages a community's moderators write, to start from (edited before sending).
create table outreach_template (
    id                  bigserial primary key,
    community_id        bigint not null references community (id) on delete cascade,
    title               text not null,
    body                text not null,
    created_at          timestamptz not null default now()
);
create index outreach_template_community on outreach_template (community_id);

-- Private messages between a moderator and the person they reach out to, in either direction and
-- on either side: the moderator's instance and the person's keep the same pair. Only a moderator
-- starts a conversation; the person can only answer. Never listed, served or announced publicly.
create table outreach_message (
    id                  bigserial primary key,
    uri                 text not null unique,
    moderator_id        bigint not null references actor (id) on delete cascade,
    person_id           bigint not null references actor (id) on delete cascade,
    from_moderator      boolean not null,
    -- The community the moderator spoke for (ours, or a remote one we know), and the concern, when known here.
    community_id        bigint references community (id) on delete set null,
    report_id           bigint references report (id) on delete set null,
    content_html        text not null,
    in_reply_to         text,
    created_at          timestamptz not null default now(),
    read_at             timestamptz
);
create index outreach_message_pair on outreach_message (moderator_id, person_id, id);
create index outreach_message_person on outreach_message (person_id, id);

-- Notifications: a concern for moderators on duty, a concern nobody saw for admins, a check-in
-- message (or its answer) for whoever it was written to.
alter table notification add column outreach_id bigint references outreach_message (id) on delete cascade;
do $$
declare r record;
begin
    for r in select conname from pg_constraint
             where conrelid = 'notification'::regclass and contype = 'c' loop
        execute format('alter table notification drop constraint %I', r.conname);
    end loop;
end $$;
alter table notification add constraint notification_kind_check
    check (kind in ('reply', 'mention', 'report_outcome', 'post_declined', 'concern', 'concern_unseen', 'check_in', 'anonymous_reply'));
alter table notification add constraint notification_outcome_check check (outcome in ('resolved', 'dismissed'));
alter table notification add constraint notification_shape_check check (case kind
    when 'report_outcome' then report_id is not null and outcome is not null and post_id is null
    when 'concern' then report_id is not null and post_id is null
    when 'concern_unseen' then report_id is not null and post_id is null
    when 'check_in' then outreach_id is not null and post_id is null
    else post_id is not null and outcome is null end);
drop index notification_once;
create unique index notification_once
    on notification (account_id, kind, coalesce(post_id, 0), coalesce(report_id, 0), coalesce(outreach_id, 0));
