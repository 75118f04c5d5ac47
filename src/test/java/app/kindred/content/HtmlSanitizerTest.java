package app.kindred.content;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The allowlist every piece of HTML passes: nothing that runs, styles or embeds gets through. */
class HtmlSanitizerTest {
    private static final List<String> ALLOWED_TAGS = List.of(
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
            "sub");

    @ParameterizedTest
    @ValueSource(
            strings = {
                "<script>alert(1)</script>",
                "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
                "<style>body{display:none}</style>",
                "<iframe src=\"https://evil.example\"></iframe>",
                "<img src=x onerror=alert(1)>",
                "<a href=\"javascript:alert(1)\">x</a>",
                "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
                "<a href=\"  javascript:alert(1)\">x</a>",
                "<a href=\"jav&#x09;ascript:alert(1)\">x</a>",
                "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
                "<a href=\"vbscript:msgbox(1)\">x</a>",
                "<p onclick=\"alert(1)\" onmouseover=\"alert(2)\">hi</p>",
                "<p style=\"position:fixed;top:0\">cover</p>",
                "<span style=\"color:red\" class=\"mention\">x</span>",
                "<svg onload=alert(1)><script>alert(2)</script></svg>",
                "<svg><a xlink:href=\"javascript:alert(1)\"><text>x</text></a></svg>",
                "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
                "<p><scr<script>ipt>alert(1)</script></p>",
                "<<script>script>alert(1)<</script>/script>",
                "<div><p><b><i>unclosed <script>alert(1)",
                "<object data=\"x.swf\"></object><embed src=\"x.swf\">",
                "<form action=\"https://evil.example\"><input name=p><button>go</button></form>",
                "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example\">",
                "<base href=\"https://evil.example/\">",
                "<link rel=stylesheet href=https://evil.example/x.css>",
                "<video src=x onerror=alert(1)></video><audio src=x></audio>",
                "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>",
                "<a href=\"https://ok.example\" onclick=\"alert(1)\" target=\"_blank\" style=\"x\">ok</a>",
                "<!--<img src=x onerror=alert(1)>-->",
                "<details open ontoggle=alert(1)>",
            })
    void hostileHtmlNeverSurvives(String hostile) {
        var clean = HtmlSanitizer.sanitize(hostile);
        var fragment = Jsoup.parseBodyFragment(clean).body();
        for (Element e : fragment.getAllElements()) {
            if (e == fragment) continue;
            assertTrue(ALLOWED_TAGS.contains(e.normalName()), "<" + e.normalName() + "> survived: " + clean);
            for (var attribute : e.attributes()) {
                var key = attribute.getKey().toLowerCase();
                assertTrue(List.of("href", "class", "rel", "start").contains(key), key + " survived: " + clean);
                if (key.equals("href")) assertTrue(attribute.getValue().matches("(?i)(https?|mailto):.*"), clean);
            }
        }
        // Re-parsing the output must not find anything new either: the output is stable.
        assertEquals(clean, HtmlSanitizer.sanitize(clean));
        var lower = clean.toLowerCase();
        for (var danger : List.of("<script", "<style", "<iframe", "<img", "<svg", "javascript:", "data:text")) {
            assertFalse(lower.contains(danger), danger + " in " + clean);
        }
    }

    @Test
    void scriptAndStyleContentIsDroppedNotShown() {
        assertEquals("", HtmlSanitizer.sanitize("<script>alert(1)</script>"));
        assertEquals("<p>kept</p>", HtmlSanitizer.sanitize("<style>p{}</style><p>kept</p>"));
    }

    @Test
    void textStructureIsKept() {
        var html = "<p>One<br>two <em>em</em> <strong>strong</strong> <code>code</code></p>"
                + "<pre><code>block</code></pre><blockquote><p>quoted</p></blockquote>"
                + "<ul><li>a</li></ul><ol start=\"3\"><li>b</li></ol>";
        assertEquals(html, HtmlSanitizer.sanitize(html));
    }

    @Test
    void linksKeepTheirHrefAndGetRelNofollow() {
        assertEquals(
                "<a href=\"https://example.org/x?a=1&amp;b=2\" rel=\"nofollow noopener ugc\">x</a>",
                HtmlSanitizer.sanitize("<a href=\"https://example.org/x?a=1&amp;b=2\">x</a>"));
        // A rel of our own replaces any the author gave.
        assertEquals(
                "<a href=\"http://example.org\" rel=\"nofollow noopener ugc\">x</a>",
                HtmlSanitizer.sanitize("<a href=\"http://example.org\" rel=\"me opener\">x</a>"));
        assertEquals(
                "<a href=\"mailto:a@example.org\" rel=\"nofollow noopener ugc\">mail</a>",
                HtmlSanitizer.sanitize("<a href=\"mailto:a@example.org\">mail</a>"));
    }

    @Test
    void aDangerousLinkKeepsItsTextButLosesItsHref() {
        assertEquals(
                "<a rel=\"nofollow noopener ugc\">x</a>",
                HtmlSanitizer.sanitize("<a href=\"javascript:alert(1)\">x</a>"));
    }

    @Test
    void mentionAndHashtagClassesAreKeptOthersDropped() {
        var mention = Jsoup.parseBodyFragment(
                HtmlSanitizer.sanitize(
                        "<span class=\"h-card\"><a href=\"https://example.org/@bob\" class=\"u-url mention\">@<span>bob</span></a></span>"));
        assertEquals("h-card", mention.selectFirst("span").className());
        var link = mention.selectFirst("a");
        assertEquals("u-url mention", link.className());
        assertEquals("https://example.org/@bob", link.attr("href"));
        assertEquals("nofollow noopener ugc", link.attr("rel"));
        assertEquals("@bob", link.text());

        assertEquals(
                "mention hashtag", classOf("<a href=\"https://example.org/tags/x\" class=\"mention hashtag\">#x</a>"));
        assertEquals("mention", classOf("<a href=\"https://example.org\" class=\"mention overlay fullscreen\">x</a>"));
        assertEquals("", classOf("<a href=\"https://example.org\" class=\"overlay\">x</a>"));
        assertEquals("<span>x</span>", HtmlSanitizer.sanitize("<span class=\"overlay\">x</span>"));
        assertEquals(
                "<span class=\"invisible\">https://</span><span class=\"ellipsis\">ex</span>",
                HtmlSanitizer.sanitize("<span class=\"invisible\">https://</span><span class=\"ellipsis\">ex</span>"));
    }

    private static String classOf(String html) {
        return Jsoup.parseBodyFragment(HtmlSanitizer.sanitize(html))
                .body()
                .child(0)
                .className();
    }

    @Test
    void textIsEscaped() {
        assertEquals("1 &lt; 2 &amp;&amp; 3 &gt; 2", HtmlSanitizer.sanitize("1 &lt; 2 &amp;&amp; 3 &gt; 2"));
        assertEquals("", HtmlSanitizer.sanitize(null));
        assertEquals("", HtmlSanitizer.sanitize("   "));
    }
}
