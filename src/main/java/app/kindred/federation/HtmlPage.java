package app.kindred.federation;

import app.kindred.activitypub.ActivityPubDocument;
import app.kindred.activitypub.Actor;
import org.jsoup.nodes.Entities;

/** The plain page a browser gets for an actor or collection until the web interface exists. */
final class HtmlPage {
    private HtmlPage() {}

    static String render(String title, ActivityPubDocument document) {
        var body = new StringBuilder();
        body.append("<h1>").append(Entities.escape(title == null ? "" : title)).append("</h1>\n");
        if (document instanceof Actor actor) {
            body.append("<p>")
                    .append(Entities.escape(actor.preferredUsername()))
                    .append(" · ")
                    .append(actor.type().name())
                    .append("</p>\n");
            // The summary was sanitised when rendered from Markdown.
            if (actor.summary() != null)
                body.append("<div>").append(actor.summary()).append("</div>\n");
        }
        body.append("<p>Follow this from any fediverse account: ")
                .append(Entities.escape(document.id()))
                .append("</p>\n");
        return "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>"
                + Entities.escape(title == null ? "" : title)
                + "</title><meta name=\"robots\" content=\"noindex\"></head><body>\n" + body + "</body></html>\n";
    }
}
