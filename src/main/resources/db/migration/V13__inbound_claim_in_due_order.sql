-- The inbound claim took every due row, sorted them by arrival and kept the first few: its cost grew with
-- the backlog (0.85 ms a claim with a couple of thousand waiting). Claims now take rows in the order they
-- fall due, which for a fresh row is when it arrived, so the index hands over the first few and stops.
drop index inbound_activity_pending;
create index inbound_activity_due on inbound_activity (next_attempt_at, id) where state = 'pending';
