package app.kindred.federation;

import app.kindred.actor.Actor;
import app.kindred.community.Community;
import app.kindred.delivery.Outbox;
import app.kindred.storage.CommunityTurn;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A local community passing on what was done in it, by our members (through {@link Publisher}) and
 * by remote ones (through the inbound handlers): Announces to its followers, queued in the outbox
 * inside the caller's transaction.
 */
public final class Relay {
    private final OutgoingActivities outgoing;
    private final Outbox outbox;

    public Relay(OutgoingActivities outgoing, Outbox outbox) {
        this.outgoing = outgoing;
        this.outbox = outbox;
    }

    /**
     * A local community passes an accepted activity on to its followers (FEP-1b12): the activity as
     * received, and for a new post or comment also the object itself, which is what Mastodon and
     * Misskey display.
     */
    public void relay(
            Connection c, Community community, JsonNode received, Optional<JsonNode> createdObject, String objectId)
            throws SQLException {
        relay(c, community, received, createdObject, objectId, List.of());
    }

    /** As {@link #relay}, also to someone who no longer follows: a banned member's follow ends with the ban. */
    public void relay(
            Connection c,
            Community community,
            JsonNode received,
            Optional<JsonNode> createdObject,
            String objectId,
            List<Actor> alsoTo)
            throws SQLException {
        send(c, community, prepare(community, received, createdObject, objectId), alsoTo);
    }

    /**
     * The announces of a relay, built without the database: sanitising what others wrote and writing the
     * JSON is most of a relay's work, so a caller that must apply changes one at a time (a community's
     * inbound activities, under its lock) builds them before it takes its turn and only queues them in it.
     */
    public record Prepared(long groupId, String objectId, List<OutgoingActivities.Outgoing> announces) {}

    /** The announces of {@link #relay}, addressed as if the post were public; {@link #send} readdresses them when not. */
    public Prepared prepare(Community community, JsonNode received, Optional<JsonNode> createdObject, String objectId) {
        return prepare(community, received, createdObject, objectId, Optional.empty());
    }

    /** As {@link #prepare(Community, JsonNode, Optional, String)}, reusing what the caller already cleaned. */
    public Prepared prepare(
            Community community,
            JsonNode received,
            Optional<JsonNode> createdObject,
            String objectId,
            Optional<PostDocuments.Cleaned> known) {
        var group = community.actor();
        var announces = new ArrayList<OutgoingActivities.Outgoing>(2);
        // What others wrote goes out only through the sanitiser, as it is shown here; the object is
        // sanitised once when the activity embeds the very object announced on its own too.
        var created = createdObject.map(o -> PostDocuments.sanitisedForRelay(o, known));
        var type = received.path("type").asText("");
        var embedded = received.path("object");
        JsonNode relayed = received;
        if (embedded.isObject() && (type.equals("Create") || type.equals("Update"))) {
            if (created.isPresent() && created.get().path("id").equals(embedded.path("id"))) {
                // A shallow copy: only read from here on, so the other fields are shared, not copied.
                var copy = JsonNodeFactory.instance.objectNode();
                for (var field : received.properties()) {
                    copy.set(field.getKey(), field.getKey().equals("object") ? created.get() : field.getValue());
                }
                relayed = copy;
            } else {
                relayed = PostDocuments.sanitisedForRelay(received, known);
            }
        }
        announces.add(outgoing.announceAsReceived(group, relayed, objectId));
        if (created.isPresent()) announces.add(outgoing.announceAsReceived(group, created.get(), objectId));
        return new Prepared(group.id(), objectId, announces);
    }

    /**
     * Queues prepared announces to the community's followers in the caller's transaction, addressed to
     * its followers only when the community is private or the post members-only (decided here, under
     * the caller's lock, not when they were prepared).
     */
    public void send(Connection c, Community community, Prepared prepared, List<Actor> alsoTo) throws SQLException {
        var group = community.actor();
        if (prepared.groupId() != group.id()) throw new IllegalArgumentException("prepared for another community");
        // A private community's announces, and what they carry, go to its followers only (issue 17).
        // Readdressing the whole announce reaches every level the received activity and its object had
        // (MembersOnlyAddressing follows "object" down), so it is the same as addressing them before.
        String membersOnly = MembersOnlyAddressing.applies(c, community, prepared.objectId())
                ? MembersOnlyAddressing.followers(community)
                : null;
        var announces = new ArrayList<Outbox.Activity>(prepared.announces().size());
        for (var announce : prepared.announces()) announces.add(queued(announce, membersOnly));
        // In a community's turn, the announces of its new posts are queued together at the turn's end.
        Optional<TurnAnnounces> saved = alsoTo.isEmpty()
                ? CommunityTurn.deferred(c, community.id(), TurnAnnounces.class, () -> new TurnAnnounces(outbox, group))
                : Optional.empty();
        if (saved.isPresent()) saved.get().announces.addAll(announces);
        else outbox.enqueueToFollowers(c, group, announces, group, alsoTo);
    }

    /** The announces of a community's turn, in the order its posts were applied, queued in one statement. */
    private static final class TurnAnnounces implements CommunityTurn.Deferred {
        final Outbox outbox;
        final Actor group;
        final List<Outbox.Activity> announces = new ArrayList<>();

        TurnAnnounces(Outbox outbox, Actor group) {
            this.outbox = outbox;
            this.group = group;
        }

        @Override
        public void flush(Connection c) throws SQLException {
            outbox.enqueueToFollowers(c, group, announces, group, List.of());
        }
    }

    /** An announce as queued; for members only ({@code followers} not null), addressed to them and never served. */
    private static Outbox.Activity queued(OutgoingActivities.Outgoing announce, String followers) {
        if (followers == null) return announce.queued();
        var body = MembersOnlyAddressing.address(announce.json(), followers);
        return new Outbox.Activity(announce.id(), announce.objectId(), body, false);
    }
}
