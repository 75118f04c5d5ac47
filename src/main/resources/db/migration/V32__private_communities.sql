-- Private communities (issue 17). A community is public or private; what was written while it was
-- private stays for its members only, also after it turns public again ("applies to new posts only").

-- One row per community that ever had a visibility or application questions set; no row: public.
-- Remote communities get a row from their Group's manuallyApprovesFollowers (Lemmy's private communities).
create table community_privacy (
    community_id          bigint primary key references community (id) on delete cascade,
    private               boolean not null default false,
    -- ["Why would you like to join?", ...], written by the moderators, shown on the join page
    application_questions jsonb not null default '[]',
    updated_at            timestamptz not null default now()
);

-- Members only: read by the community's approved followers, its moderators and this instance's admins.
alter table post add column members_only boolean not null default false;

-- Set here, whichever door stored the post (the API, the inbox, an approval of a held post), so no path
-- can forget it: in a private community, or under a members-only thread, a post is members-only.
create function post_members_only() returns trigger language plpgsql as $$
begin
    new.members_only := new.members_only
        or exists (select 1 from community_privacy k where k.community_id = new.community_id and k.private)
        or (new.thread_id is not null
            and exists (select 1 from post t where t.id = new.thread_id and t.members_only));
    return new;
end $$;
create trigger post_members_only before insert on post for each row execute function post_members_only();

-- A local member's application to a private community: their answers, kept until a moderator decides; a
-- refusal keeps its reason so the applicant is told. A remote follower's request has no answers.
create table follow_application (
    follower_id         bigint not null references actor (id) on delete cascade,
    followed_id         bigint not null references actor (id) on delete cascade,
    -- [{"question": "...", "answer": "..."}]
    answers             jsonb not null default '[]',
    refused_at          timestamptz,
    refusal_reason      text,
    created_at          timestamptz not null default now(),
    primary key (follower_id, followed_id)
);
