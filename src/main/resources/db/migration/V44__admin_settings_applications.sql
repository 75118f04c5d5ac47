-- Issue 15, the admins' last items.

-- A remote actor whose own server says it is suspended (Mastodon's toot:suspended) is suspended here
-- too, marked 'remote' so that only its origin's word lifts it; null is a suspension of our own.
alter table actor add column suspension_origin text check (suspension_origin in ('remote'));

-- Instance settings an admin changed at run time; each overrides config/kindred.toml's value.
create table instance_setting (
    key                 text primary key,
    value               text not null,
    updated_by          text not null,
    updated_at          timestamptz not null default now()
);

-- Sign-up by application: the account waits for an admin ('waiting'), or was refused with a reason
-- the applicant reads when they next sign in. Null: an ordinary account (approved, or never asked).
alter table account add column application_state text check (application_state in ('waiting', 'refused'));
alter table account add column application_answer text;
alter table account add column application_reason text;
alter table account add column applied_at timestamptz;
create index account_waiting on account (applied_at) where application_state = 'waiting';

-- Admins are told of an escalated report and of a new application.
alter table notification add column applicant_id bigint references account (id) on delete cascade;
do $$
declare r record;
begin
    for r in select conname from pg_constraint
             where conrelid = 'notification'::regclass and contype = 'c' loop
        execute format('alter table notification drop constraint %I', r.conname);
    end loop;
end $$;
alter table notification add constraint notification_kind_check
    check (kind in ('reply', 'mention', 'report_outcome', 'post_declined', 'concern', 'concern_unseen', 'check_in',
                    'anonymous_reply', 'escalated', 'application'));
alter table notification add constraint notification_outcome_check check (outcome in ('resolved', 'dismissed'));
alter table notification add constraint notification_shape_check check (case kind
    when 'report_outcome' then report_id is not null and outcome is not null and post_id is null
    when 'concern' then report_id is not null and post_id is null
    when 'concern_unseen' then report_id is not null and post_id is null
    when 'escalated' then report_id is not null and post_id is null
    when 'check_in' then outreach_id is not null and post_id is null
    when 'application' then applicant_id is not null and post_id is null
    else post_id is not null and outcome is null end);
drop index notification_once;
create unique index notification_once
    on notification (account_id, kind, coalesce(post_id, 0), coalesce(report_id, 0), coalesce(outreach_id, 0),
                     coalesce(applicant_id, 0));

-- The instance's name and description show on signed-out pages: a change must end kept copies (V38's
-- function). Numbered after V38 so that a database that already ran V38 takes this one in order.
create trigger readable_changed after insert or update or delete or truncate on instance_setting
    for each statement execute function readable_changed();
