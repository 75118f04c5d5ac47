package app.kindred.federation.inbound;

import app.kindred.activitypub.Activity;
import app.kindred.activitypub.ActivityPubJson;
import app.kindred.activitypub.ActivityType;
import app.kindred.activitypub.ContentObject;
import app.kindred.activitypub.Ref;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.List;
import java.util.Optional;

/**
 * One activity as it came: the typed reading and the JSON it was read from (which is what a
 * community relays, as received). They change only together, through the methods here, so a
 * handler never holds an activity whose JSON says something else.
 */
public record Incoming(Activity activity, JsonNode json) {
    private static final ObjectMapper JSON = ActivityPubJson.newMapper();

    public ActivityType type() {
        return activity.type();
    }

    /** The object's JSON as embedded (a missing node when only its id was sent). */
    public JsonNode objectJson() {
        return json.path("object");
    }

    /** The embedded activity (of an Announce or an Undo), with its own JSON; empty when only its id was sent. */
    public Optional<Incoming> inner() {
        return activity.object().document() instanceof Activity a
                ? Optional.of(new Incoming(a, objectJson()))
                : Optional.empty();
    }

    /** This activity carrying the object as its origin serves it instead of as it was embedded. */
    public Incoming withObject(ContentObject object, JsonNode objectJson) {
        var copy = JsonNodeFactory.instance.objectNode();
        // A shallow copy: the other fields are only read, so they are shared.
        for (var field : json.properties()) copy.set(field.getKey(), field.getValue());
        copy.set("object", objectJson);
        return new Incoming(activity.withObject(Ref.embedded(object)), copy);
    }

    /** A Create of this object by its author, for a post shared on its own (Announce{Note}) as Mastodon-style groups do. */
    public static Incoming createOf(ContentObject object, JsonNode objectJson, String author) {
        var create = new Activity(
                object.id() + "#create",
                ActivityType.Create,
                author,
                List.of(Ref.embedded(object)),
                null,
                object.to(),
                object.cc(),
                object.audience(),
                null,
                null,
                null,
                null,
                null,
                null);
        var json = JsonNodeFactory.instance.objectNode();
        json.put("id", create.id());
        json.put("type", "Create");
        json.put("actor", author);
        json.set("object", objectJson);
        return new Incoming(create, json);
    }

    /** An activity known only in its typed form (a Delete confirmed at its origin): its JSON written from it. */
    public static Incoming of(Activity activity) {
        return new Incoming(activity, JSON.valueToTree(activity));
    }
}
