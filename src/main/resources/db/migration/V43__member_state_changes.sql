-- Issue 14 (signed-in page speed): what a signed-in page reads of its member (web pages keep it in
-- storage.KeptReads until ReadableChanges moves) must end at once when it changes, also when another
-- process changes it (a second server, the CLI). These four tables change rarely (a member sets a block,
-- a mute, a filter, a break or hides a community), so telling every listener costs nothing worth keeping.
-- session, daily_use and notification stay left out: they change on most requests; a page keeps the
-- unread count at most KeptReads.KEPT_FOR_NANOS when a notification comes from another process alone.
create trigger readable_changed after insert or update or delete or truncate on member_distance
    for each statement execute function readable_changed();
create trigger readable_changed after insert or update or delete or truncate on member_filter
    for each statement execute function readable_changed();
create trigger readable_changed after insert or update or delete or truncate on member_break
    for each statement execute function readable_changed();
create trigger readable_changed after insert or update or delete or truncate on hidden_community
    for each statement execute function readable_changed();
