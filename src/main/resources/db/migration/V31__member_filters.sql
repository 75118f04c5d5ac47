-- A member's own filters (issue 16): words or phrases whose posts are hidden from their listings or
-- collapsed behind a warning, until an optional expiry (Mastodon's filter semantics). Private to the
-- member: never federated, never shown to anyone else.
create table member_filter (
    id                  bigserial primary key,
    account_id          bigint not null references account (id) on delete cascade,
    title               text not null,
    action              text not null check (action in ('hide', 'collapse')),
    -- [{"keyword": "...", "whole_word": true}]
    keywords            jsonb not null,
    expires_at          timestamptz,
    created_at          timestamptz not null default now()
);
create index member_filter_account on member_filter (account_id);
