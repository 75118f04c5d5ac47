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
        int remote = 0;
        for (var inbox : inboxes) {
            var host = inbox.getRawAuthority().toLowerCase(Locale.ROOT);
            if (!federates.test(host) || isGone(c, inbox)) continue;
            // A host already marked unavailable gets the delivery parked, released at its next sign of life.
            remote += Sql.update(c, """
                    insert into delivery (outbound_id, inbox, host, object_id, state)
                    values (?, ?, ?, ?, case when exists (select 1 from host_health where host = ? and unavailable)
                                             then 'parked' else 'queued' end)
                    on conflict (outbound_id, inbox) do nothing""",
                    outboundId, inbox, host, objectId, host);
        }
        if (remote > 0) Sql.one(c, "select pg_notify(?, '')", rs -> 1, CHANNEL);
        return new Queued(outboundId, remote, local);
    }

    private static boolean isGone(Connection c, URI inbox) throws SQLException {
        return Sql.count(c, "select count(*) from actor where inbox = ? and gone_at is not null", inbox) > 0;
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
