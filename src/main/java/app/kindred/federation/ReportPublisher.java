package app.kindred.federation;

import app.kindred.activitypub.Activity;
import app.kindred.activitypub.ActivityType;
import app.kindred.activitypub.JsonLd;
import app.kindred.activitypub.Ref;
import app.kindred.actor.Actor;
import app.kindred.delivery.Outbox;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * Reports told to other servers: the Flag we send about remote content, and the Resolve{Flag}
 * that tells a Lemmy-style server its report was handled. Called inside the report's transaction.
 */
public final class ReportPublisher {
    private final Outbox outbox;
    private final JsonLd jsonLd = new JsonLd();

    public ReportPublisher(Outbox outbox) {
        this.outbox = outbox;
    }

    /** A Flag as sent: its id and JSON, kept with the filing so a Resolve{Flag} can be matched to it. */
    public record SentFlag(String id, String json) {}

    /**
     * One Flag that Mastodon, Lemmy and Mbin all read: Mastodon takes every account and status URI in
     * {@code object} in any order and the text in {@code content}; Lemmy reads the first object as
     * the post, the text in {@code summary} and the community in {@code to}. So the reported posts
     * come first and the account last.
     *
     * @param community the remote community the content belongs to, or null for a person
     */
    public SentFlag flag(Connection c, Actor sender, List<URI> posts, URI account, String text, URI community,
                         Collection<Actor> recipients) throws SQLException {
        var objects = new java.util.ArrayList<Ref>();
        for (var post : posts) objects.add(Ref.id(post.toString()));
        if (account != null) objects.add(Ref.id(account.toString()));
        var to = community != null ? List.of(community.toString()) : account != null ? List.of(account.toString()) : List.<String>of();
        var activity = new Activity(sender.uri() + "/activities/flag/" + UUID.randomUUID(), ActivityType.Flag,
                sender.uri().toString(), objects, null, to, List.of(), community == null ? null : community.toString(),
                text, text, null, null, null, null);
        var json = jsonLd.toJson(activity).toString();
        var objectId = posts.isEmpty() ? String.valueOf(account) : posts.getFirst().toString();
        outbox.enqueue(c, sender, activity.id(), objectId, json, recipients);
        return new SentFlag(activity.id(), json);
    }

    /**
     * Lemmy's Resolve{Flag}: the moderator who handled it, the Flag embedded as it was received,
     * addressed to the community, delivered to the server that sent the Flag.
     */
    public void resolved(Connection c, Actor moderator, JsonNode receivedFlag, URI community, Actor flagSender)
            throws SQLException {
        var placeholder = new Activity(moderator.uri() + "/activities/resolve/" + UUID.randomUUID(), ActivityType.Resolve,
                moderator.uri().toString(), List.of(Ref.id(receivedFlag.path("id").asText())), null,
                community == null ? List.of() : List.of(community.toString()), List.of(),
                community == null ? null : community.toString(), null, null, null, null, null, null);
        ObjectNode json = jsonLd.toJson(placeholder);
        var flag = receivedFlag.deepCopy();
        if (flag instanceof ObjectNode o) o.remove("@context");
        json.set("object", flag);
        outbox.enqueue(c, moderator, placeholder.id(), receivedFlag.path("id").asText(), json.toString(), List.of(flagSender));
    }
}
