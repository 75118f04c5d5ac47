-- The gentle daily reminder (issue 18, "Break mode and healthy balance"): off unless the member
-- chooses a time. Only today's counter is kept (one row per member, replaced each day): no history of
-- what was read or when, never shown to anyone else, never federated.
alter table account add column reminder_after_minutes integer
    check (reminder_after_minutes is null or reminder_after_minutes between 5 and 1440);

create table daily_use (
    account_id          bigint primary key references account (id) on delete cascade,
    day                 date not null,
    -- Seconds spent today, estimated from page views: each view adds the time since the previous one,
    -- at most five minutes, so a page left open overnight counts as five minutes.
    seconds             integer not null default 0,
    last_view_at        timestamptz not null
);
