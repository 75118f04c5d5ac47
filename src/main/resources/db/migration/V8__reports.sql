-- Reports (issue #7). A report is one thing that needs a moderator's look: a post or a person,
-- with every filing about it while it is open grouped under it, so ten reports of one post are
-- one item in the queue with ten reasons.
create table report (
    id                  bigserial primary key,
    -- A wellbeing concern (someone may be at risk) is not a complaint; they are never grouped together.
    concern             text not null check (concern in ('complaint', 'wellbeing')),
    -- The community whose moderators see it; null for a report only admins handle.
    community_id        bigint references community (id) on delete cascade,
    post_id             bigint references post (id) on delete cascade,
    subject_id          bigint references actor (id),
    -- It concerns one of our members or the instance itself: admins see it too.
    for_admins          boolean not null default false,
    status              text not null default 'open' check (status in ('open', 'resolved', 'dismissed')),
    note                text,
    decided_by          bigint references actor (id),
    decided_at          timestamptz,
    forwarded_at        timestamptz,
    created_at          timestamptz not null default now(),
    updated_at          timestamptz not null default now()
);
create unique index report_open_subject on report (concern, coalesce(post_id, 0), coalesce(subject_id, 0))
    where status = 'open';
create index report_queue on report (community_id, status);

-- One reporter's account of a report: a local member's, or a remote server's Flag.
create table report_filing (
    id                  bigserial primary key,
    report_id           bigint not null references report (id) on delete cascade,
    reporter_id         bigint references actor (id),
    local               boolean not null,
    category            text not null check (category in ('rule', 'spam', 'harassment', 'wellbeing', 'other')),
    rule                integer,
    text                text not null default '',
    -- A local reporter's choice to be named in the Flag we send; hidden by default.
    show_identity       boolean not null default false,
    -- The Flag: as received from a remote server, or as we sent it about remote content.
    flag_id             text,
    flag_body           jsonb,
    created_at          timestamptz not null default now(),
    unique (report_id, flag_id)
);
create index report_filing_reporter on report_filing (reporter_id);
create index report_filing_flag on report_filing (flag_id);
