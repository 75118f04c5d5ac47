package app.kindred.outreach;

import app.kindred.actor.Actor;
import app.kindred.actor.ActorStore;
import app.kindred.actor.ActorType;
import app.kindred.community.CommunityStore;
import app.kindred.content.HtmlSanitizer;
import app.kindred.notification.Notifications;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * The one rule for a private message from another server: it is taken only as part of a wellbeing
 * check-in. An answer to a check-in message we hold, from the other side of that conversation, lands
 * with the one it answers; a check-in that another Kindred's moderator sends one of our members is
 * taken when it names a community we know that author moderates. Anything else private is not
 * ours to take (Kindred has no private messages otherwise), and the caller refuses it as before.
 */
public final class CheckInIntake {
    private final OutreachStore store;
    private final ActorStore actors;
    private final CommunityStore communities;

    public CheckInIntake(OutreachStore store, ActorStore actors, CommunityStore communities) {
        this.store = store;
        this.actors = actors;
        this.communities = communities;
    }

    /**
     * A private note or chat message as it arrived.
     *
     * @param addressees its to and cc
     * @param inReplyTo  what it answers, or null
     * @param checkIn    the community a Kindred moderator's check-in names, or null
     */
    public record Arrived(
            URI uri, Actor author, List<URI> addressees, URI inReplyTo, String contentHtml, URI checkIn) {}

    /** The stored message, or empty when this is no part of a check-in (the caller refuses it). */
    public Optional<Long> receive(Connection c, Arrived a) throws SQLException {
        var known = store.byUri(c, a.uri());
        if (known.isPresent()) return Optional.of(known.get().id());
        var html = HtmlSanitizer.sanitize(a.contentHtml() == null ? "" : a.contentHtml());
        if (a.inReplyTo() != null) {
            var answered = store.byUri(c, a.inReplyTo());
            if (answered.isPresent()) {
                var m = answered.get();
                boolean byModerator = a.author().id() == m.moderatorId();
                if (!byModerator && a.author().id() != m.personId()) return Optional.empty();
                long recipientId = byModerator ? m.personId() : m.moderatorId();
                var recipient = actors.findById(c, recipientId).orElseThrow();
                if (!recipient.local() || !a.addressees().contains(recipient.uri())) return Optional.empty();
                long id = store.insert(
                        c,
                        new OutreachStore.NewMessage(
                                a.uri(),
                                m.moderatorId(),
                                m.personId(),
                                byModerator,
                                m.communityId(),
                                m.reportId(),
                                html,
                                a.inReplyTo()));
                Notifications.checkIn(c, id, recipientId);
                return Optional.of(id);
            }
        }
        if (a.checkIn() == null) return Optional.empty();
        var community = communities.byActorUri(c, a.checkIn());
        if (community.isEmpty()
                || !communities.isModerator(c, community.get().id(), a.author().id())) return Optional.empty();
        for (var addressee : a.addressees()) {
            var person = actors.findByUri(c, addressee).filter(x -> x.local() && x.type() == ActorType.PERSON);
            if (person.isEmpty() || person.get().id() == a.author().id()) continue;
            long id = store.insert(
                    c,
                    new OutreachStore.NewMessage(
                            a.uri(),
                            a.author().id(),
                            person.get().id(),
                            true,
                            community.get().id(),
                            null,
                            html,
                            null));
            Notifications.checkIn(c, id, person.get().id());
            return Optional.of(id);
        }
        return Optional.empty();
    }
}
