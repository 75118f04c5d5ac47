-- Account deletion (issue 18). A member asks; the deletion waits for the grace period (during which
-- signing in cancels it), then one transaction erases the account and queues Delete{Person}. The row
-- is the whole schedule: any process may run a due one (claimed with SKIP LOCKED), so a restart
-- delays a deletion and never loses it.
create table account_deletion (
    account_id          bigint primary key references account (id) on delete cascade,
    keep_posts          boolean not null,
    requested_at        timestamptz not null default now(),
    due_at              timestamptz not null,
    -- When a worker took it up; one that stopped mid-way (a crash) is taken up again after a while.
    claimed_at          timestamptz
);
create index account_deletion_due on account_deletion (due_at);

-- Set when signing in cancelled a deletion, so the member is told once; cleared when they have been.
alter table account add column deletion_cancelled_at timestamptz;

-- A local actor whose member left: its row stays (its address answers 410 and its name is not given
-- to anyone else for a year), emptied of everything about the person.
create index actor_gone_local on actor (gone_at) where local and gone_at is not null;

-- A Delete{Person} whose signature cannot be checked (the person's server already answers 410 for
-- the key) is believed when that server, asked directly, says the actor is gone: stored as 'origin'.
alter table inbound_activity drop constraint inbound_activity_signature_scheme_check;
alter table inbound_activity add constraint inbound_activity_signature_scheme_check
    check (signature_scheme in ('cavage', 'rfc9421', 'local', 'origin'));
