package app.kindred.federation;

import app.kindred.activitypub.JsonLd;
import app.kindred.actor.Actor;
import app.kindred.delivery.Outbox;
import app.kindred.outreach.OutreachEvents;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * A check-in message on the wire: Create{Note} addressed to the one person and no one else, with a
 * Mention of them. Mastodon and Misskey show such a note as a direct message, Lemmy (0.19 and later)
 * files a Note addressed only to a person as a private message, and another Kindred reads
 * {@code checkIn} (the community the moderator speaks for) to know it is a check-in it may take.
 * Never addressed to Public or followers, so it is never served or listed anywhere.
 */
public final class OutreachPublisher implements OutreachEvents {
    private final Outbox outbox;

    public OutreachPublisher(Outbox outbox) {
        this.outbox = outbox;
    }

    @Override
    public void sent(Connection c, Actor from, Actor to, URI message, String contentHtml, URI inReplyTo, URI community)
            throws SQLException {
        var json = JsonNodeFactory.instance;
        var context = JsonLd.context();
        var terms = json.objectNode();
        terms.put("checkIn", "https://kindred.app/ns#checkIn");
        context.add(terms);

        ObjectNode note = json.objectNode();
        note.put("id", message.toString());
        note.put("type", "Note");
        note.put("attributedTo", from.uri().toString());
        note.putArray("to").add(to.uri().toString());
        note.putArray("cc");
        var mention = "@" + to.preferredUsername() + "@" + to.domain();
        // The mention first, as Mastodon writes a direct message, so every client shows who it is for.
        note.put(
                "content",
                "<p><span class=\"h-card\"><a href=\"" + to.uri() + "\" class=\"u-url mention\">" + mention
                        + "</a></span></p>" + contentHtml);
        note.put("mediaType", "text/html");
        if (inReplyTo != null) note.put("inReplyTo", inReplyTo.toString());
        if (community != null) note.put("checkIn", community.toString());
        note.put("sensitive", false);
        var tag = note.putArray("tag").addObject();
        tag.put("type", "Mention");
        tag.put("href", to.uri().toString());
        tag.put("name", mention);

        ObjectNode create = json.objectNode();
        create.set("@context", context);
        create.put("id", message + "/create");
        create.put("type", "Create");
        create.put("actor", from.uri().toString());
        create.putArray("to").add(to.uri().toString());
        create.putArray("cc");
        create.set("object", note);
        outbox.enqueue(c, from, message + "/create", message.toString(), create.toString(), List.of(to));
    }
}
