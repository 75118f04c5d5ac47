package app.kindred.federation;

import app.kindred.activitypub.Activity;
import app.kindred.activitypub.ActivityType;
import app.kindred.activitypub.JsonLd;
import app.kindred.activitypub.Ref;
import app.kindred.actor.Actor;
import app.kindred.delivery.Outbox;
import app.kindred.report.ReportEvents;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * Reports told to other servers: the Flag we send about remote content, the Announce{Flag} with
 * which a community passes a report on to its remote moderators, and the Resolve{Flag} that tells
 * the servers involved a report was handled. Called inside the report's transaction.
 */
public final class ReportPublisher implements ReportEvents {
    private final Outbox outbox;
    private final JsonLd jsonLd = new JsonLd();

    public ReportPublisher(Outbox outbox) {
        this.outbox = outbox;
    }

    /**
     * One Flag that Mastodon, Lemmy and Mbin all read: Mastodon takes every account and status URI in
     * {@code object} in any order and the text in {@code content}; Lemmy reads the first object as
     * the post, the text in {@code summary} and the community in {@code to}. So the reported posts
     * come first and the account last.
     *
     * @param community the remote community the content belongs to, or null for a person
     */
    @Override
    public SentFlag flagged(
            Connection c,
            Actor sender,
            List<URI> posts,
            URI account,
            String text,
            URI community,
            Collection<Actor> recipients)
            throws SQLException {
        var objects = new ArrayList<Ref>();
        for (var post : posts) objects.add(Ref.id(post.toString()));
        if (account != null) objects.add(Ref.id(account.toString()));
        var to = community != null
                ? List.of(community.toString())
                : account != null ? List.of(account.toString()) : List.<String>of();
        var activity = new Activity(
                sender.uri() + "/activities/flag/" + UUID.randomUUID(),
                ActivityType.Flag,
                sender.uri().toString(),
                objects,
                null,
                to,
                List.of(),
                community == null ? null : community.toString(),
                text,
                text,
                null,
                null,
                null,
                null);
        var json = jsonLd.toJson(activity).toString();
        var objectId =
                posts.isEmpty() ? String.valueOf(account) : posts.getFirst().toString();
        outbox.enqueue(c, sender, activity.id(), objectId, json, recipients);
        return new SentFlag(activity.id(), json);
    }

    /**
     * Lemmy's Resolve{Flag}: the moderator who handled it (or the community, passing on a remote
     * moderator's decision), the Flag embedded as it was received or sent, addressed to the
     * community, delivered to the servers that must hear of it.
     */
    @Override
    public void resolved(Connection c, Actor resolver, JsonNode flag, URI community, Collection<Actor> recipients)
            throws SQLException {
        var placeholder = new Activity(
                resolver.uri() + "/activities/resolve/" + UUID.randomUUID(),
                ActivityType.Resolve,
                resolver.uri().toString(),
                List.of(Ref.id(flag.path("id").asText())),
                null,
                community == null ? List.of() : List.of(community.toString()),
                List.of(),
                community == null ? null : community.toString(),
                null,
                null,
                null,
                null,
                null,
                null);
        ObjectNode json = jsonLd.toJson(placeholder);
        var embedded = flag.deepCopy();
        if (embedded instanceof ObjectNode o) o.remove("@context");
        json.set("object", embedded);
        outbox.enqueue(c, resolver, placeholder.id(), flag.path("id").asText(), json.toString(), recipients);
    }

    /**
     * A community passes a report on to its moderators' instances: Announce{Flag} from the group,
     * the Flag embedded as received (Mbin's magazines do the same), so its id stays the one every
     * server involved knows, and a Resolve of it finds the report everywhere. Addressed to the
     * recipients only, never to Public.
     */
    @Override
    public void passedOn(Connection c, Actor group, JsonNode flag, Collection<Actor> recipients) throws SQLException {
        var flagId = flag.path("id").asText();
        var to = recipients.stream().map(a -> a.uri().toString()).toList();
        var placeholder = new Activity(
                group.uri() + "/activities/announce/" + UUID.randomUUID(),
                ActivityType.Announce,
                group.uri().toString(),
                List.of(Ref.id(flagId)),
                null,
                to,
                List.of(),
                group.uri().toString(),
                null,
                null,
                null,
                null,
                null,
                null);
        ObjectNode json = jsonLd.toJson(placeholder);
        var embedded = flag.deepCopy();
        if (embedded instanceof ObjectNode o) o.remove("@context");
        json.set("object", embedded);
        outbox.enqueue(c, group, placeholder.id(), flagId, json.toString(), recipients);
    }
}
