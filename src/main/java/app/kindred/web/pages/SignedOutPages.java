package app.kindred.web.pages;

import app.kindred.storage.ReadableChanges;
import app.kindred.web.BrowserSessions;
import app.kindred.web.Renderer;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Pages kept for a few seconds for readers who are not signed in (issue 14's speed): the thread and
 * community pages most readers of a busy thread read, where every signed-out reader gets the same
 * bytes. A kept page is served only while nothing readable has changed since it was rendered
 * ({@link ReadableChanges}: any committed change to a table pages read ends every kept page), and
 * never past {@link #KEPT_FOR_NANOS}. Nobody with a session cookie is served from here or fills it,
 * and a page carrying a form token is never kept, so one reader's view cannot reach another.
 * Kept pages carry an ETag, and a browser asking again with it gets 304.
 *
 * <p>One reader renders a page that is not kept; readers asking for the same page meanwhile wait for
 * that page rather than each rendering it too. Without that, every change let hundreds of readers of
 * a busy thread render it at once (issue 19's 1,024-connection run), taking every database
 * connection, so the page that would have served them all came last.
 */
final class SignedOutPages {
    /** Short: the exact invalidation does the work; this only bounds what nothing else ends (a lost listener). */
    static final long KEPT_FOR_NANOS = 10_000_000_000L;
    /** Pages kept at once (each under 60 KB); past it, all are dropped and kept afresh. */
    static final int MOST = 512;

    private static final String FILL = "kindred.signedOut.fill";

    private record Kept(long generation, long until, byte[] html, String etag) {}

    /** A page being rendered: {@code done} gives it to readers who asked meanwhile, or null if none came of it. */
    private record Fill(String key, long generation, CompletableFuture<Kept> done) {}

    /** How long a reader waits for another's rendering of the same page before rendering it alone. */
    static final long WAIT_MILLIS = 2_000;

    private final ReadableChanges changes;
    private final ConcurrentHashMap<String, Kept> kept = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Fill> filling = new ConcurrentHashMap<>();

    /** {@code changes} null: nothing is kept (a process without the listener). */
    SignedOutPages(ReadableChanges changes) {
        this.changes = changes;
    }

    /**
     * For a GET page a signed-out reader may share: answers from the kept page (200, or 304 for a
     * browser that has it) and returns true; otherwise notes what to keep when the page is sent.
     */
    boolean answer(Context ctx, String language) {
        if (changes == null || BrowserSessions.hasSessionCookie(ctx)) return false;
        // Read before anything the page reads: a change committed after this moves the generation.
        long generation = changes.generation();
        if (!changes.live()) return false;
        var key = ctx.path() + "?" + (ctx.queryString() == null ? "" : ctx.queryString()) + "|" + language;
        var page = kept.get(key);
        if (page != null && page.generation() == generation && System.nanoTime() - page.until() < 0) {
            return serve(ctx, page);
        }
        var mine = new Fill(key, generation, new CompletableFuture<>());
        var running = filling.putIfAbsent(key, mine);
        if (running == null) {
            ctx.attribute(FILL, mine);
            return false;
        }
        if (running.generation() != generation) {
            // Rendered from older state: this reader takes over the filling if nobody else has yet.
            if (filling.replace(key, running, mine)) ctx.attribute(FILL, mine);
            return false;
        }
        // Same state as this reader's: the page being rendered is theirs too.
        try {
            var done = running.done().get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
            if (done != null) return serve(ctx, done);
        } catch (TimeoutException e) {
            // That rendering is stuck or slow: let the next reader start afresh; this one renders alone.
            filling.remove(key, running);
        } catch (ExecutionException e) {
            // Never completed exceptionally; rendered alone below.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    private static boolean serve(Context ctx, Kept page) {
        headers(ctx, page.etag());
        if (page.etag().equals(ctx.header("If-None-Match"))) {
            ctx.status(HttpStatus.NOT_MODIFIED);
            return true;
        }
        ctx.status(200).contentType("text/html; charset=utf-8").result(page.html());
        return true;
    }

    /** After a page was rendered for a signed-out reader: keeps it, when {@link #answer} asked for it. */
    void keep(Context ctx, byte[] html) {
        Fill fill = ctx.attribute(FILL);
        if (fill == null) return;
        if (kept.size() >= MOST) kept.clear();
        var etag = etag(html);
        var page = new Kept(fill.generation(), System.nanoTime() + KEPT_FOR_NANOS, html, etag);
        kept.put(fill.key(), page);
        headers(ctx, etag);
        filling.remove(fill.key(), fill);
        fill.done().complete(page);
    }

    /** After anything but a page to keep was sent (an error, a refusal): readers waiting for it render their own. */
    void release(Context ctx) {
        Fill fill = ctx.attribute(FILL);
        if (fill == null || fill.done().isDone()) return;
        filling.remove(fill.key(), fill);
        fill.done().complete(null);
    }

    /**
     * The page holds nothing of any one reader: the browser may keep it if it asks again each time
     * (no-cache), shared caches may not (private), and it differs by cookie and language.
     */
    private static void headers(Context ctx, String etag) {
        Renderer.headers(ctx);
        ctx.header("Cache-Control", "private, no-cache");
        ctx.header("Vary", "Accept, Accept-Language, Cookie");
        ctx.header("ETag", etag);
    }

    private static String etag(byte[] html) {
        try {
            var hash = MessageDigest.getInstance("SHA-256").digest(html);
            return "\"" + HexFormat.of().formatHex(hash, 0, 12) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
