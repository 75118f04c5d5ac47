-- Every verified activity we accept, stored before we answer 202; processed afterwards.
-- No client address is stored, ever.
create table inbound_activity (
    id                  bigserial primary key,
    activity_id         text not null unique,
    activity_type       text not null,
    actor_uri           text not null,
    inbox               text not null,
    body                jsonb not null,
    signature_scheme    text not null check (signature_scheme in ('cavage', 'rfc9421')),
    received_at         timestamptz not null default now(),
    state               text not null default 'pending' check (state in ('pending', 'done', 'failed', 'parked')),
    attempts            integer not null default 0,
    next_attempt_at     timestamptz not null default now(),
    last_error          text,
    processed_at        timestamptz
);
create index inbound_activity_pending on inbound_activity (next_attempt_at) where state = 'pending';

-- Which HTTP signature form each remote host accepts, learnt by the double knock.
create table host_signature_scheme (
    host                text primary key,
    scheme              text not null check (scheme in ('cavage', 'rfc9421')),
    updated_at          timestamptz not null default now()
);
