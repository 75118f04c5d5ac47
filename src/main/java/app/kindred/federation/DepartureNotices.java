package app.kindred.federation;

import app.kindred.actor.Actor;
import app.kindred.care.AccountDeletions;
import app.kindred.delivery.Outbox;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * A member's deletion, told to the fediverse: one {@code Delete{Person}}, signed by the member, queued
 * in the deletion's own transaction to every server that had something of theirs.
 */
public final class DepartureNotices implements AccountDeletions.Farewell {
    private final Outbox outbox;
    private final OutgoingActivities outgoing;

    public DepartureNotices(Outbox outbox, OutgoingActivities outgoing) {
        this.outbox = outbox;
        this.outgoing = outgoing;
    }

    @Override
    public void departed(Connection c, Actor person, boolean contentRemoved, List<Actor> recipients)
            throws SQLException {
        var delete = outgoing.departure(person, contentRemoved);
        outbox.enqueue(c, person, delete.id(), delete.objectId(), delete.json(), recipients);
    }
}
