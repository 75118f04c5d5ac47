-- Reports that cross instances (issue 7): a community passes the reports it receives on to its remote
-- moderators' instances, and a resolution travels back the way the report came.

-- The community that passed this Flag on to us (Announce{Flag}: Kindred's forward to a remote
-- moderator's instance, or an Mbin magazine's). Our moderators' Resolve goes back to it: the
-- community's own server tells the reporter's.
alter table report_filing add column via_group_id bigint references actor (id);

-- Flags we sent about a report that are no member's filing of their own: a moderator's forward to
-- the author's server. A later Resolve{Flag} names this id.
create table report_sent_flag (
    flag_id             text primary key,
    report_id           bigint not null references report (id) on delete cascade,
    flag_body           jsonb not null,
    created_at          timestamptz not null default now()
);
create index report_sent_flag_report on report_sent_flag (report_id);
