package app.kindred.web.pages;

import app.kindred.web.Messages;
import app.kindred.web.Renderer;
import app.kindred.web.pages.Views.Chrome;
import app.kindred.web.pages.Views.PostCard;
import gg.jte.Content;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A thread page's comment tree as HTML, rendered once for everyone who would get the same bytes (issue 14:
 * signed-in page speed; rendering 200 comments was most of a signed-in page's cost). The tree's HTML is a
 * pure function of what it is rendered from, and all of that is the key: the cards exactly as this reader
 * sees them (their votes, collapsed or filtered posts, "yours" on their anonymous posts, what a moderator
 * is shown), the language, whether warnings open, whether a reader is signed in, and where replies go.
 * So readers whose trees are equal share one rendering, and any difference, a vote or a block or an edit,
 * is a different key: nothing needs ending, and nobody can be answered another reader's tree. It is
 * rendered with a layout record holding none of any reader's own (no name, no form token), so a template
 * change that reached for them would find nothing to leak.
 */
final class RenderedComments {
    /** Trees kept at once (each under 60 KB); past it, all are dropped and rendered afresh. */
    static final int MOST = 256;

    private record Key(
            List<PostCard> comments,
            long threadId,
            boolean mayReply,
            String languages,
            boolean warningsOpen,
            boolean signedIn) {}

    private final Renderer renderer;
    private final ConcurrentHashMap<Key, byte[]> kept = new ConcurrentHashMap<>();

    RenderedComments(Renderer renderer) {
        this.renderer = renderer;
    }

    /** The {@code <li>}s of the tree, for thread.jte to write as they are. */
    Content html(Chrome chrome, List<PostCard> comments, long threadId, boolean mayReply) {
        return html(chrome.m(), chrome.warningsOpen(), chrome.signedIn(), comments, threadId, mayReply);
    }

    /** As above, from the parts of the layout the tree depends on (before the page's layout is made). */
    Content html(
            Messages m,
            boolean warningsOpen,
            boolean signedIn,
            List<PostCard> comments,
            long threadId,
            boolean mayReply) {
        var key = new Key(comments, threadId, mayReply, m.languages(), warningsOpen, signedIn);
        var html = kept.get(key);
        if (html == null) {
            html = render(key, m);
            if (kept.size() >= MOST) kept.clear();
            kept.put(key, html);
        }
        var bytes = html;
        return output -> output.writeBinaryContent(bytes);
    }

    private byte[] render(Key key, Messages m) {
        // Only what the key holds: signed in is a name that is none of anyone's.
        var neutral = new Chrome(
                m,
                "",
                "",
                key.signedIn() ? "" : null,
                null,
                List.of(),
                false,
                key.warningsOpen(),
                null,
                0,
                null,
                false);
        return renderer.fragment(
                "tag/comments.jte",
                Map.of(
                        "chrome",
                        neutral,
                        "comments",
                        key.comments(),
                        "threadId",
                        key.threadId(),
                        "mayReply",
                        key.mayReply()));
    }
}
