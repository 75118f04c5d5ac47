-- Private notes a community's moderators keep about a member (issue 15): read by that community's
-- moderators and this instance's admins only, never federated, never shown to the member.
create table member_note (
    id                  bigserial primary key,
    community_id        bigint not null references community (id) on delete cascade,
    subject_id          bigint not null references actor (id) on delete cascade,
    author_id           bigint references actor (id) on delete set null,
    text                text not null,
    created_at          timestamptz not null default now()
);
create index member_note_subject on member_note (community_id, subject_id, created_at);

-- A report a community's moderator passed up to this instance's admins, with why; one per report.
create table report_escalation (
    report_id           bigint primary key references report (id) on delete cascade,
    escalated_by        bigint references actor (id) on delete set null,
    note                text not null default '',
    created_at          timestamptz not null default now()
);
