package app.kindred.federation;

import app.kindred.activitypub.Activity;
import app.kindred.activitypub.ActivityPubDocument;
import app.kindred.activitypub.ActivityPubJson;
import app.kindred.activitypub.ActivityType;
import app.kindred.activitypub.JsonLd;
import app.kindred.activitypub.Ref;
import app.kindred.actor.Actor;
import app.kindred.delivery.Outbox;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Builds the activities our actors send, with ids on our domain. Each comes back serialised once,
 * ready for the outbox.
 */
public final class OutgoingActivities {
    private final JsonLd jsonLd = new JsonLd();
    private static final ObjectMapper STREAM = ActivityPubJson.newMapper();
    // Only ever written, never changed, so one copy serves every announce.
    private static final JsonNode CONTEXT = JsonLd.context();

    /** An activity and its JSON, as the outbox stores it. */
    public record Outgoing(String id, String objectId, String json, Activity activity, boolean servedPublicly) {
        /** As the outbox queues it for followers. */
        public Outbox.Activity queued() {
            return new Outbox.Activity(id, objectId, json, servedPublicly);
        }
    }

    private static final Set<String> VOTES = Set.of("Like", "Dislike", "EmojiReact");

    /**
     * A vote, or the undoing of one (by its type and its object's): public on the wire in Lemmy's form,
     * but what a member voted is theirs. Migration V14's {@code served_publicly} says the same in SQL.
     */
    private static boolean isVote(String type, String objectType) {
        return VOTES.contains(type) || type.equals("Undo") && VOTES.contains(objectType);
    }

    private String newId(Actor actor, String kind) {
        return actor.uri() + "/activities/" + kind + "/" + UUID.randomUUID();
    }

    public Outgoing follow(Actor follower, Actor followed) {
        var activity = Activity.of(
                newId(follower, "follow"),
                ActivityType.Follow,
                follower.uri().toString(),
                Ref.id(followed.uri().toString()),
                List.of(followed.uri().toString()),
                List.of());
        return out(activity, followed.uri().toString());
    }

    /** Accept embeds the Follow it answers, keeping that Follow's own id (Mastodon and Lemmy match on it). */
    public Outgoing accept(Actor followed, String followId, Actor follower) {
        var follow = Activity.of(
                followId,
                ActivityType.Follow,
                follower.uri().toString(),
                Ref.id(followed.uri().toString()),
                List.of(),
                List.of());
        var activity = Activity.of(
                newId(followed, "accept"),
                ActivityType.Accept,
                followed.uri().toString(),
                Ref.embedded(follow),
                List.of(follower.uri().toString()),
                List.of());
        return out(activity, followId);
    }

    public Outgoing reject(Actor followed, String followId, Actor follower) {
        return reject(followed, followId, follower, null);
    }

    /** Reject of a Follow with the moderator's reason as {@code summary} (null: none), which Lemmy and Kindred keep. */
    public Outgoing reject(Actor followed, String followId, Actor follower, String reason) {
        var follow = Activity.of(
                followId,
                ActivityType.Follow,
                follower.uri().toString(),
                Ref.id(followed.uri().toString()),
                List.of(),
                List.of());
        var activity = new Activity(
                newId(followed, "reject"),
                ActivityType.Reject,
                followed.uri().toString(),
                List.of(Ref.embedded(follow)),
                null,
                List.of(follower.uri().toString()),
                List.of(),
                null,
                reason,
                null,
                null,
                null,
                null,
                null);
        return out(activity, followId);
    }

    public Outgoing undo(Actor actor, Activity undone, List<String> to, List<String> cc) {
        var activity = Activity.of(
                newId(actor, "undo"), ActivityType.Undo, actor.uri().toString(), Ref.embedded(undone), to, cc);
        return out(activity, undone.object().uri());
    }

    /** Create, Update or Delete of a post or comment, addressed Lemmy's way: to the community and Public. */
    public Outgoing about(
            ActivityType type, Actor author, ActivityPubDocument object, String community, List<String> cc) {
        var to = List.of(community, JsonLd.PUBLIC);
        var ref = type == ActivityType.Delete ? Ref.id(object.id()) : Ref.embedded(object);
        var activity = new Activity(
                newId(author, type.name().toLowerCase()),
                type,
                author.uri().toString(),
                List.of(ref),
                null,
                to,
                cc,
                community,
                null,
                null,
                null,
                null,
                null,
                null);
        return out(activity, object.id());
    }

    /**
     * Delete{Person}: a person deleted their account. Object and actor are the same id (Mastodon's
     * form); {@code removeData} (Lemmy's) says whether their posts went with it or stay anonymous.
     */
    public Outgoing departure(Actor person, boolean contentRemoved) {
        var activity = new Activity(
                newId(person, "delete"),
                ActivityType.Delete,
                person.uri().toString(),
                List.of(Ref.id(person.uri().toString())),
                null,
                List.of(JsonLd.PUBLIC),
                person.followers() == null
                        ? List.of()
                        : List.of(person.followers().toString()),
                null,
                null,
                null,
                null,
                null,
                null,
                contentRemoved);
        return out(activity, person.uri().toString());
    }

    public Outgoing vote(Actor voter, String postUri, int value, String community) {
        var type = value > 0 ? ActivityType.Like : ActivityType.Dislike;
        var activity = new Activity(
                newId(voter, type.name().toLowerCase()),
                type,
                voter.uri().toString(),
                List.of(Ref.id(postUri)),
                null,
                List.of(community, JsonLd.PUBLIC),
                List.of(),
                community,
                null,
                null,
                null,
                null,
                null,
                null);
        return out(activity, postUri);
    }

    /**
     * A moderator's action in Lemmy's wire form, addressed to Public with the community in cc and
     * audience: Delete with summary (removal), Lock, Block with target = the community (ban), and
     * Add/Remove with target = the moderators collection.
     */
    public Outgoing moderation(
            ActivityType type,
            Actor moderator,
            String object,
            String target,
            String community,
            String summary,
            Instant endTime,
            Boolean removeData) {
        var activity = new Activity(
                newId(moderator, type.name().toLowerCase()),
                type,
                moderator.uri().toString(),
                List.of(Ref.id(object)),
                target == null ? null : Ref.id(target),
                List.of(JsonLd.PUBLIC),
                List.of(community),
                community,
                summary == null || summary.isBlank() ? null : summary,
                null,
                null,
                null,
                endTime,
                removeData);
        return out(activity, object);
    }

    /** The group tells its followers how it looks now (title, description, guidelines, who may post). */
    public Outgoing updateGroup(Actor group, app.kindred.activitypub.Actor document) {
        var activity = new Activity(
                newId(group, "update"),
                ActivityType.Update,
                group.uri().toString(),
                List.of(Ref.embedded(document)),
                null,
                List.of(JsonLd.PUBLIC),
                List.of(group.followers().toString()),
                group.uri().toString(),
                null,
                null,
                null,
                null,
                null,
                null);
        return out(activity, group.uri().toString());
    }

    /**
     * A member tells the servers that show their posts how they look now (avatar): Update{Person},
     * public like the profile itself, which Lemmy, Mastodon and Kindred all read as a refresh.
     */
    public Outgoing updatePerson(Actor person, app.kindred.activitypub.Actor document) {
        var activity = new Activity(
                newId(person, "update"),
                ActivityType.Update,
                person.uri().toString(),
                List.of(Ref.embedded(document)),
                null,
                List.of(JsonLd.PUBLIC),
                List.of(),
                null,
                null,
                null,
                null,
                null,
                null,
                null);
        return out(activity, person.uri().toString());
    }

    /** The group passes an activity on to its followers (FEP-1b12), or, for Mastodon and Misskey, the object itself. */
    public Outgoing announce(Actor group, Ref announced, String objectId) {
        return out(announceActivity(group, announced), objectId);
    }

    private Activity announceActivity(Actor group, Ref announced) {
        return new Activity(
                newId(group, "announce"),
                ActivityType.Announce,
                group.uri().toString(),
                List.of(announced),
                null,
                List.of(JsonLd.PUBLIC),
                List.of(group.followers().toString()),
                group.uri().toString(),
                null,
                null,
                null,
                null,
                null,
                null);
    }

    /**
     * Announce{activity} with the activity embedded exactly as its author sent it, so receivers see
     * the original (Lemmy, Mbin, PieFed and NodeBB read this form).
     */
    public Outgoing announceAsReceived(Actor group, JsonNode received, String objectId) {
        var activity = announceActivity(group, Ref.id(received.path("id").asText()));
        // Written field by field, as JsonLd would write the Announce, with the received nodes copied
        // straight into "object" (all but their @context): this runs for every accepted activity, and
        // building a tree of it first cost as much again as writing it.
        var out = new StringWriter(512 + 2 * received.size() * 64);
        try (var json = STREAM.createGenerator(out)) {
            json.writeStartObject();
            json.writeFieldName("@context");
            json.writeTree(CONTEXT);
            json.writeStringField("id", activity.id());
            json.writeStringField("type", activity.type().name());
            json.writeStringField("actor", activity.actor());
            json.writeFieldName("object");
            json.writeStartObject();
            for (var field : received.properties()) {
                if (field.getKey().equals("@context")) continue;
                json.writeFieldName(field.getKey());
                json.writeTree(field.getValue());
            }
            json.writeEndObject();
            json.writeFieldName("to");
            json.writeStartArray();
            for (var to : activity.to()) json.writeString(to);
            json.writeEndArray();
            json.writeFieldName("cc");
            json.writeStartArray();
            for (var cc : activity.cc()) json.writeString(cc);
            json.writeEndArray();
            json.writeStringField("audience", activity.audience());
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Outgoing(
                activity.id(),
                objectId,
                out.toString(),
                activity,
                activity.addressedToPublic()
                        && !isVote(
                                received.path("type").asText(""),
                                received.path("object").path("type").asText("")));
    }

    private Outgoing out(Activity activity, String objectId) {
        var objectType = activity.object().document() instanceof Activity undone
                ? undone.type().name()
                : "";
        return new Outgoing(
                activity.id(),
                objectId,
                new String(jsonLd.write(activity), StandardCharsets.UTF_8),
                activity,
                activity.addressedToPublic() && !isVote(activity.type().name(), objectType));
    }
}
