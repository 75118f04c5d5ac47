-- A password reset an admin hands over as a one-time link (issue 15): there is no e-mail. Only the
-- token's SHA-256 hash is stored, so a copy of the database cannot be used to take over an account.
create table password_reset (
    token_hash          bytea primary key,
    account_id          bigint not null references account (id) on delete cascade,
    created_by          text not null,
    created_at          timestamptz not null default now(),
    expires_at          timestamptz not null,
    used_at             timestamptz
);
create index password_reset_account on password_reset (account_id);
