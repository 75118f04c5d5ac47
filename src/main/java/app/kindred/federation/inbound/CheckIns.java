package app.kindred.federation.inbound;

import app.kindred.actor.Actor;
import app.kindred.outreach.CheckInIntake;
import app.kindred.remote.RemoteFetcher;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a private note (Mastodon, Misskey, Kindred, Lemmy's older form) or Lemmy's and Pleroma's
 * ChatMessage as a possible part of a check-in conversation, after the checks every object gets: on
 * its author's origin and attributed to them. Whether it is taken is {@link CheckInIntake}'s rule.
 */
final class CheckIns {
    private CheckIns() {}

    static CheckInIntake.Arrived arrived(String id, List<String> attributedTo, JsonNode object, Actor author)
            throws Rejected {
        URI uri;
        try {
            uri = URI.create(id);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new Rejected("a private message without a usable id");
        }
        if (!RemoteFetcher.sameOrigin(uri, author.uri()))
            throw new Rejected("object " + uri + " is not on its author's origin " + author.uri());
        if (!attributedTo.contains(author.uri().toString()))
            throw new Rejected("object " + uri + " is attributed to " + attributedTo + ", not to " + author.uri());
        var addressees = new ArrayList<URI>();
        for (var field : List.of("to", "cc")) {
            var node = object.path(field);
            Iterable<JsonNode> values = node.isArray() ? node : List.of(node);
            for (var v : values) {
                if (!v.isTextual()) continue;
                try {
                    addressees.add(URI.create(v.asText()));
                } catch (IllegalArgumentException e) {
                    // not an actor id
                }
            }
        }
        return new CheckInIntake.Arrived(
                uri,
                author,
                addressees,
                uriOrNull(object.path("inReplyTo")),
                object.path("content").asText(""),
                uriOrNull(object.path("checkIn")));
    }

    /** A Lemmy or Pleroma ChatMessage, which the reader does not model, read from the activity's JSON. */
    static CheckInIntake.Arrived chatMessage(JsonNode activity, Actor author) throws Rejected {
        var object = activity.path("object");
        var attributed = new ArrayList<String>();
        var a = object.path("attributedTo");
        if (a.isTextual()) attributed.add(a.asText());
        else if (a.isArray()) a.forEach(x -> attributed.add(x.asText()));
        return arrived(object.path("id").asText(null), attributed, object, author);
    }

    private static URI uriOrNull(JsonNode node) {
        if (!node.isTextual()) return null;
        try {
            return URI.create(node.asText());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
