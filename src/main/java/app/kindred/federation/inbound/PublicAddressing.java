package app.kindred.federation.inbound;

import app.kindred.activitypub.Activity;
import app.kindred.activitypub.ContentObject;
import app.kindred.storage.Sql;
import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The one rule for what a remote author's object may become here: a community post only when its
 * author addressed it to the public. A note addressed only to people or to someone's followers is
 * never stored as a post, listed or announced, whatever community it names in {@code audience},
 * {@code cc} or a mention: the group announces to the public, and that would widen what the
 * author chose. Called wherever remote objects become posts (Create, announced Creates and
 * objects, Updates, fetched parents). Until Kindred has private messages, such notes are refused.
 */
final class PublicAddressing {
    static final String NOT_PUBLIC =
            "not public: addressed only to people or followers; " + "Kindred does not accept private messages yet";
    static final String NARROWED = "not public any more: its author narrowed who may read it; "
            + "the post is taken down here as their Delete would take it down, and the Update is not passed on";
    static final String PRIVATE_MESSAGE =
            "not public: a private message (ChatMessage); " + "Kindred does not accept private messages yet";

    private PublicAddressing() {}

    /**
     * Refuses an object its author did not address to the public. The object's own addressing
     * decides; only an object that names no addressee at all takes the activity's that carries it
     * (null for an object fetched on its own, which then is not public).
     */
    static void require(ContentObject object, Activity carrying) throws Rejected {
        if (!isPublic(object, carrying)) throw new Rejected(NOT_PUBLIC + " (" + object.id() + ")");
    }

    /**
     * As {@link #require(ContentObject, Activity)}, also letting through what is addressed to the followers of
     * a community that is private here (issue 17; Lemmy's private communities and ours address their content
     * so): it is stored members-only, as the author chose, and never announced to Public.
     */
    static void require(FederationContext f, ContentObject object, Activity carrying) throws Rejected {
        if (isPublic(object, carrying)) return;
        if (!f.db().read(c -> toPrivateCommunity(c, object, carrying)))
            throw new Rejected(NOT_PUBLIC + " (" + object.id() + ")");
    }

    /** Whether the object (or, naming no one, its activity) is addressed to a private community's followers. */
    static boolean toPrivateCommunity(Connection c, ContentObject object, Activity carrying) throws SQLException {
        var recipients = object.addressed()
                ? object.recipients()
                : carrying == null
                        ? List.<String>of()
                        : Stream.concat(carrying.to().stream(), carrying.cc().stream())
                                .toList();
        if (recipients.isEmpty()) return false;
        return Sql.count(c, """
                select count(*) from community k join actor a on a.id = k.actor_id
                join community_privacy p on p.community_id = k.id and p.private
                where coalesce(a.followers, a.uri || '/followers') = any(?)""", c.createArrayOf("text", recipients.toArray())) > 0;
    }

    static boolean isPublic(ContentObject object, Activity carrying) {
        return object.addressed() ? object.addressedToPublic() : carrying != null && carrying.addressedToPublic();
    }

    /** Lemmy's private message, which the reader does not model: a reason to refuse it, when the activity carries one. */
    static Optional<String> privateMessage(JsonNode activity) {
        var type = activity.path("object").path("type");
        boolean chat = type.isTextual()
                ? type.asText().equals("ChatMessage")
                : type.isArray()
                        && StreamSupport.stream(type.spliterator(), false)
                                .anyMatch(t -> t.asText().equals("ChatMessage"));
        return chat ? Optional.of(PRIVATE_MESSAGE) : Optional.empty();
    }
}
