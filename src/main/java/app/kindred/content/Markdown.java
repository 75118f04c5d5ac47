package app.kindred.content;

import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;

/** Local text is written in Markdown; it is rendered, then held to the same allowlist as remote HTML. */
public final class Markdown {
    private final Parser parser = Parser.builder().build();
    private final HtmlRenderer renderer =
            HtmlRenderer.builder().escapeHtml(true).sanitizeUrls(true).build();

    public String toHtml(String markdown) {
        if (markdown == null || markdown.isBlank()) return "";
        return HtmlSanitizer.sanitize(renderer.render(parser.parse(markdown)));
    }
}
