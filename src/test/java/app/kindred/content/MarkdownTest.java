package app.kindred.content;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** Local Markdown renders to HTML, and raw HTML in it is shown as text, never interpreted. */
class MarkdownTest {
    private final Markdown markdown = new Markdown();

    private String render(String source) {
        return markdown.toHtml(source).strip();
    }

    @Test
    void emphasisAndStrong() {
        assertEquals("<p><em>soft</em> and <strong>loud</strong></p>", render("*soft* and **loud**"));
    }

    @Test
    void lists() {
        assertEquals("<ul>\n<li>one</li>\n<li>two</li>\n</ul>", render("- one\n- two"));
        assertEquals("<ol start=\"3\">\n<li>three</li>\n<li>four</li>\n</ol>", render("3. three\n4. four"));
    }

    @Test
    void codeInlineAndInBlocks() {
        assertEquals("<p>run <code>ls -l</code></p>", render("run `ls -l`"));
        // The language class is not on the allowlist; the code itself stays, escaped.
        assertEquals("<pre><code>if (a &lt; b) {}\n</code></pre>", render("```java\nif (a < b) {}\n```"));
    }

    @Test
    void blockquotes() {
        assertEquals("<blockquote>\n<p>said</p>\n</blockquote>", render("> said"));
    }

    @Test
    void linksGetRelNofollow() {
        assertEquals(
                "<p><a href=\"https://example.org/x\" rel=\"nofollow noopener ugc\">site</a></p>",
                render("[site](https://example.org/x)"));
    }

    @Test
    void dangerousLinksLoseTheirTarget() {
        for (var url : new String[] {"javascript:alert(1)", "data:text/html,hi", "vbscript:x"}) {
            var html = render("[click](" + url + ")");
            assertEquals("<p><a rel=\"nofollow noopener ugc\">click</a></p>", html, url);
        }
    }

    @Test
    void rawHtmlIsEscapedNotInterpreted() {
        assertEquals("<p>&lt;b&gt;bold?&lt;/b&gt;</p>", render("<b>bold?</b>"));
        assertEquals("<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>", render("<script>alert(1)</script>"));
        var image = render("<img src=x onerror=alert(1)>");
        assertFalse(image.contains("<img"), image);
        assertTrue(image.contains("&lt;img"), image);
    }

    @Test
    void imagesAreNotEmbedded() {
        var html = render("![alt](https://example.org/a.png)");
        assertFalse(html.contains("<img"), html);
    }

    @Test
    void emptyIsEmpty() {
        assertEquals("", render(""));
        assertEquals("", render(null));
    }
}
