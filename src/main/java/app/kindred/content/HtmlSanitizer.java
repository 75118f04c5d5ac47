package app.kindred.content;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.safety.Cleaner;
import org.jsoup.safety.Safelist;

/**
 * The one allowlist every piece of HTML passes through before we store or show it, remote or
 * rendered from our own Markdown: text structure, links and mention/hashtag classes, nothing that
 * runs, styles or embeds.
 */
public final class HtmlSanitizer {
    private static final Safelist ALLOWED = new Safelist()
            .addTags("p", "br", "a", "em", "strong", "i", "b", "u", "s", "del", "code", "pre", "blockquote",
                    "ul", "ol", "li", "span", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "sup", "sub")
            .addAttributes("a", "href", "class")
            .addAttributes("span", "class")
            .addAttributes("ol", "start")
            .addProtocols("a", "href", "http", "https", "mailto");

    private HtmlSanitizer() {}

    public static String sanitize(String html) {
        if (html == null || html.isBlank()) return "";
        var dirty = Jsoup.parseBodyFragment(html);
        Document clean = new Cleaner(ALLOWED).clean(dirty);
        for (Element a : clean.select("a")) {
            a.attr("rel", "nofollow noopener ugc");
            // Keep only the classes clients use to recognise mentions and hashtags.
            if (a.hasAttr("class")) keepClasses(a);
        }
        for (Element span : clean.select("span")) keepClasses(span);
        clean.outputSettings().prettyPrint(false);
        return clean.body().html();
    }

    private static void keepClasses(Element e) {
        var kept = e.classNames().stream()
                .filter(c -> c.equals("mention") || c.equals("hashtag") || c.equals("u-url") || c.equals("h-card")
                        || c.equals("invisible") || c.equals("ellipsis"))
                .toList();
        e.removeAttr("class");
        if (!kept.isEmpty()) e.attr("class", String.join(" ", kept));
    }
}
