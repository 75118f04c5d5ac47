package app.kindred.content;

import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.safety.Cleaner;
import org.jsoup.safety.Safelist;
import org.jsoup.select.NodeTraversor;
import org.jsoup.select.NodeVisitor;

/**
 * The one allowlist every piece of HTML passes through before we store or show it, remote or
 * rendered from our own Markdown: text structure, links and mention/hashtag classes, nothing that
 * runs, styles or embeds.
 */
public final class HtmlSanitizer {
    private static final Safelist ALLOWED = new Safelist()
            .addTags(
                    "p",
                    "br",
                    "a",
                    "em",
                    "strong",
                    "i",
                    "b",
                    "u",
                    "s",
                    "del",
                    "code",
                    "pre",
                    "blockquote",
                    "ul",
                    "ol",
                    "li",
                    "span",
                    "h1",
                    "h2",
                    "h3",
                    "h4",
                    "h5",
                    "h6",
                    "hr",
                    "sup",
                    "sub")
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

    private static final Set<String> BLOCKS =
            Set.of("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "ul", "ol", "hr", "tr");

    /**
     * The plain text of an HTML fragment, blocks as paragraphs: for text from other servers that we
     * keep as text (a remote community's description or guidelines when it publishes no Markdown).
     */
    public static String toText(String html) {
        if (html == null || html.isBlank()) return "";
        var out = new StringBuilder();
        NodeTraversor.traverse(
                new NodeVisitor() {
                    @Override
                    public void head(Node node, int depth) {
                        if (node instanceof TextNode t) out.append(t.text());
                        else if (node instanceof Element e && e.normalName().equals("br")) out.append('\n');
                        else if (node instanceof Element e && e.normalName().equals("li")) out.append("\n- ");
                    }

                    @Override
                    public void tail(Node node, int depth) {
                        if (node instanceof Element e && BLOCKS.contains(e.normalName())) out.append("\n\n");
                    }
                },
                Jsoup.parseBodyFragment(html).body());
        return out.toString()
                .replaceAll("[ \t]+\n", "\n")
                .replaceAll("\n{3,}", "\n\n")
                .strip();
    }

    private static void keepClasses(Element e) {
        var kept = e.classNames().stream()
                .filter(c -> c.equals("mention")
                        || c.equals("hashtag")
                        || c.equals("u-url")
                        || c.equals("h-card")
                        || c.equals("invisible")
                        || c.equals("ellipsis"))
                .toList();
        e.removeAttr("class");
        if (!kept.isEmpty()) e.attr("class", String.join(" ", kept));
    }
}
