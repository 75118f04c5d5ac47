package app.kindred.delivery;

import app.kindred.actor.Actor;
import app.kindred.storage.Sql;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Locale;

/**
 * The transactional outbox. A feature calls {@link #enqueue} inside the transaction that makes its
 * change: the activity (serialised once) and one delivery per destination inbox commit or roll back
 * with the change, so a crash can delay a delivery but never lose one or send one for nothing.
 */
public final class Outbox {
    public static final String CHANNEL = "kindred_delivery";

    private final java.util.function.Predicate<String> federates;

    /** @param federates whether a host may receive anything from us (the federation policy) */
    public Outbox(java.util.function.Predicate<String> federates) {
        this.federates = federates;
    }

    /** What was queued: how many remote inboxes and how many local actors. */
    public record Queued(long outboundId, int remoteInboxes, int localRecipients) {}

    public Queued enqueue(Connection c, Actor sender, String activityId, String objectId, String body,
                          Collection<Actor> recipients) throws SQLException {
        long outboundId = Sql.insert(c, """
                insert into outbound_activity (activity_id, actor_id, object_id, body) values (?, ?, ?, ?) returning id""",
                activityId, sender.id(), objectId, body);
        var inboxes = new LinkedHashSet<URI>();
        int local = 0;
        for (var recipient : recipients) {
            if (recipient.local()) {
                local += receiveLocally(c, activityId, sender, recipient, body);
            } else if (recipient.id() != sender.id()) {
                // Shared inboxes are preferred: one POST per server, not per follower.
                inboxes.add(recipient.sharedInbox() != null ? recipient.sharedInbox() : recipient.inbox());
            }
        }
        // One statement for every inbox: a fan-out to thousands of hosts stays a few milliseconds of the caller's transaction.
        var allowed = inboxes.stream().filter(i -> federates.test(i.getRawAuthority().toLowerCase(Locale.ROOT))).toList();
        var targets = allowed.stream().map(URI::toString).toArray(String[]::new);
        var hosts = allowed.stream().map(i -> i.getRawAuthority().toLowerCase(Locale.ROOT)).toArray(String[]::new);
        // Gone actors get nothing; a host already marked unavailable gets the delivery parked, released at its next sign of life.
        int remote = targets.length == 0 ? 0 : Sql.update(c, """
                insert into delivery (outbound_id, inbox, host, object_id, state)
                select ?::bigint, t.inbox, t.host, ?::text,
                       case when exists (select 1 from host_health h where h.host = t.host and h.unavailable)
                            then 'parked' else 'queued' end
                from unnest(?::text[], ?::text[]) with ordinality as t(inbox, host, n)
                where not exists (select 1 from actor a where a.inbox = t.inbox and a.gone_at is not null)
                order by t.n
                on conflict (outbound_id, inbox) do nothing""",
                outboundId, objectId, c.createArrayOf("text", targets), c.createArrayOf("text", hosts));
        if (remote > 0) Sql.one(c, "select pg_notify(?, '')", rs -> 1, CHANNEL);
        return new Queued(outboundId, remote, local);
    }

    /** Our own actors get the activity straight into the inbound table, as if it had come over HTTP. */
    private static int receiveLocally(Connection c, String activityId, Actor sender, Actor recipient, String body)
            throws SQLException {
        return Sql.update(c, """
                insert into inbound_activity (activity_id, activity_type, actor_uri, inbox, body, signature_scheme)
                values (?, (?::jsonb)->>'type', ?, ?, ?::jsonb, 'local') on conflict (activity_id) do nothing""",
                activityId, body, sender.uri(), recipient.inbox(), body);
    }
}
