package app.kindred.federation;

import app.kindred.activitypub.ActivityPubJson;
import app.kindred.activitypub.Addressing;
import app.kindred.community.Community;
import app.kindred.community.Membership;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Private communities on the wire (issue 17): what is done in a private community, or about a post
 * written for its members, is addressed to the community's followers collection and never to Public
 * (Lemmy's private-community form: {@code to} the community and its followers). Every activity that
 * leaves for or from such a community passes here, embedded objects included, so no path can
 * forget it, and the outbox then stores it as not public: it is listed in no outbox and not served.
 */
final class MembersOnlyAddressing {
    private static final List<String> FIELDS = List.of("to", "cc", "bto", "bcc");

    private static final ObjectMapper JSON = ActivityPubJson.newMapper();

    private MembersOnlyAddressing() {}

    /** Whether what concerns {@code objectId} in this community goes to its members only. */
    static boolean applies(Connection c, Community community, String objectId) throws SQLException {
        return Membership.isPrivate(c, community.id())
                || objectId != null && Membership.membersOnly(c, community.id(), objectId);
    }

    /** The community's followers collection (a remote Group may not name one: Lemmy's form is the id + /followers). */
    static String followers(Community community) {
        var group = community.actor();
        return group.followers() != null ? group.followers().toString() : group.uri() + "/followers";
    }

    /** A copy of the activity with Public replaced by the followers collection, at every level. */
    static JsonNode address(JsonNode activity, String followers) {
        var copy = activity.deepCopy();
        rewrite(copy, followers);
        return copy;
    }

    /** As {@link #address(JsonNode, String)}, for an activity as serialised. */
    static String address(String activity, String followers) {
        try {
            return address(JSON.readTree(activity), followers).toString();
        } catch (IOException e) {
            throw new IllegalStateException("our own activity JSON did not parse", e);
        }
    }

    private static void rewrite(JsonNode node, String followers) {
        if (node instanceof ArrayNode array) {
            for (var item : array) rewrite(item, followers);
            return;
        }
        if (!(node instanceof ObjectNode object)) return;
        for (var field : FIELDS) {
            var value = object.get(field);
            if (value == null) continue;
            var recipients = new LinkedHashSet<String>();
            boolean changed = false;
            for (var r : value.isArray()
                    ? value
                    : JsonNodeFactory.instance.arrayNode().add(value)) {
                var text = r.asText("");
                if (Addressing.isPublic(text)) {
                    recipients.add(followers);
                    changed = true;
                } else {
                    recipients.add(text);
                }
            }
            if (!changed) continue;
            var array = JsonNodeFactory.instance.arrayNode();
            recipients.forEach(array::add);
            object.set(field, array);
        }
        rewrite(object.get("object"), followers);
    }
}
