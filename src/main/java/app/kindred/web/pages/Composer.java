package app.kindred.web.pages;

import app.kindred.content.Markdown;

/** The server-side preview: the same Markdown rendering (and sanitiser) a published post gets. */
final class Composer {
    private static final Markdown MARKDOWN = new Markdown();

    private Composer() {}

    static String preview(String body) {
        return MARKDOWN.toHtml(body == null ? "" : body);
    }
}
