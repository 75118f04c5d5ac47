-- Issue 14: pages kept briefly for signed-out readers must never outlive a change to what they show.
-- Every table a page may read tells the web server after each committed change: NOTIFY is delivered only
-- at commit (storage.ReadableChanges listens), once per transaction however many rows or statements.
-- Left out: tables only their own member, the operators or the federation machinery read, which change
-- often and never show on a signed-out page. A table added by a later migration that pages read needs
-- the same one-line trigger (see the end of this file).
create function readable_changed() returns trigger language plpgsql as $$
begin
    perform pg_notify('kindred_readable', '');
    return null;
end $$;

do $$
declare
    t text;
begin
    for t in
        select table_name from information_schema.tables
        where table_schema = current_schema() and table_type = 'BASE TABLE'
          and table_name not in (
              'flyway_schema_history', 'session', 'delivery', 'delivery_fanout', 'outbound_activity',
              'inbound_activity', 'host_health', 'host_signature_scheme', 'daily_use', 'notification',
              'media_proxy_key', 'actor_private_key', 'audit_log', 'report', 'report_filing',
              'report_sent_flag', 'member_export', 'member_break', 'member_distance', 'hidden_community',
              'member_filter')
    loop
        execute format(
            'create trigger readable_changed after insert or update or delete or truncate on %I'
            ' for each statement execute function readable_changed()', t);
    end loop;
end $$;

-- For a later table:
-- create trigger readable_changed after insert or update or delete or truncate on new_table
--     for each statement execute function readable_changed();
