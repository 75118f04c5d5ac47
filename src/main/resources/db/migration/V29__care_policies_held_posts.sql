-- Care built into communities (issue 16): a content-warning policy, pre-moderation (held posts)
-- and crisis resources, for the instance and for each community.

-- The policy as the API and the Group publish it: {"mode": "none"|"all"|"topics", "topics": [...]}.
-- For a remote community it is what its Group published, so our members are told before sending.
alter table community
    add column content_warning_policy jsonb not null default '{"mode": "none", "topics": []}'::jsonb,
    add column hold_posts text not null default 'none'
        check (hold_posts in ('none', 'new_members', 'remote', 'all')),
    -- new_members: how many first posts of each member are held; null takes the configured default.
    add column hold_first_posts integer check (hold_first_posts between 1 and 100),
    add column crisis_resources jsonb not null default '[]'::jsonb;

-- A held post is stored but shown to nobody but its author and the community's moderators, and
-- not sent anywhere until approved. held_activity/held_object keep what a remote server sent, so
-- that approval announces it as if it had just arrived.
alter table post
    add column held_at timestamptz,
    add column held_reason text,
    add column held_activity jsonb,
    add column held_object jsonb,
    add column community_warning text;
create index post_held on post (community_id, held_at) where held_at is not null;

-- The instance's own crisis resources: one row, set by admins.
create table instance_crisis_resources (
    id                  integer primary key check (id = 1),
    resources           jsonb not null default '[]'::jsonb,
    updated_at          timestamptz not null default now()
);

-- A moderator refused a member's held post: the member is told, with the reason.
alter table notification drop constraint notification_kind_check;
alter table notification add constraint notification_kind_check
    check (kind in ('reply', 'mention', 'report_outcome', 'post_declined'));
