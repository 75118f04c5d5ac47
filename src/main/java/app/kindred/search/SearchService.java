package app.kindred.search;

import app.kindred.member.Member;
import app.kindred.refusal.Refusal;
import app.kindred.storage.Database;
import app.kindred.storage.Sql;
import app.kindred.thread.Post;
import app.kindred.thread.PostStore;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Full-text search over communities (ours and the remote ones known here) and the posts this
 * instance shows, and the look-up of a pasted handle or URL. Posts are searched with the thread
 * feature's own visibility: nothing deleted, removed or hidden ever comes back.
 */
public final class SearchService {
    public static final int PER_PAGE = 20, MAX_QUERY = 200, MAX_WORDS = 8;
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+");
    private static final Pattern HANDLE =
            Pattern.compile("[!@]?([a-z0-9_]{1,30})@([a-z0-9.-]+(?::\\d{1,5})?)", Pattern.CASE_INSENSITIVE);

    private final Database db;
    private final PostStore posts;
    private final RemoteLookup remote;
    private final String ourHost;

    public SearchService(Database db, PostStore posts, RemoteLookup remote, String ourHost) {
        this.db = db;
        this.posts = posts;
        this.remote = remote;
        this.ourHost = ourHost.toLowerCase(Locale.ROOT);
    }

    /** A handle ({@code !name@host}, {@code @name@host}) or an http(s) URL rather than words. */
    public static boolean isAddress(String q) {
        var text = q == null ? "" : q.strip();
        return text.startsWith("https://")
                || text.startsWith("http://")
                || HANDLE.matcher(text).matches();
    }

    /** Community ids, best match first (local ones before remote ones of equal rank). */
    public List<Long> communities(String q, int page) {
        var query = tsquery(q);
        return db.read(c -> Sql.list(c, """
                select c.id from community c join actor a on a.id = c.actor_id,
                     to_tsquery('simple', ?) q
                where a.suspended_at is null
                  and (c.id in (select id from community where search @@ q)
                       or c.actor_id in (select id from actor where type = 'Group'
                                         and to_tsvector('simple', replace(preferred_username, '_', ' ')) @@ q))
                order by ts_rank(c.search, q) + case when to_tsvector('simple', replace(a.preferred_username, '_', ' ')) @@ q
                         then 1 else 0 end desc, a.local desc, c.id
                limit ? offset ?""", rs -> rs.getLong(1), query, PER_PAGE, (page - 1) * PER_PAGE));
    }

    /** Threads and comments shown on this instance, best match first. */
    public List<Post> posts(String q, int page) {
        var query = tsquery(q);
        return db.read(c -> posts.search(c, query, PER_PAGE, (page - 1) * PER_PAGE));
    }

    /**
     * What a pasted handle or URL names: from what this instance holds when it can, else (for a
     * signed-in member only) from its own server.
     *
     * @param member empty for a signed-out reader, who is never the cause of a fetch
     */
    public RemoteLookup.Found resolve(String q, Optional<Member> member) {
        var text = q.strip();
        var known = db.read(c -> known(c, text));
        if (known.isPresent()) return known.get();
        if (member.isEmpty()) {
            throw new Refusal(
                    Refusal.Kind.UNAUTHORIZED,
                    "q",
                    "this instance does not know " + text + " yet; sign in to look it up on its server");
        }
        return remote.lookUp(text);
    }

    private Optional<RemoteLookup.Found> known(Connection c, String text) throws SQLException {
        var m = HANDLE.matcher(text);
        if (m.matches()) {
            var name = m.group(1).toLowerCase(Locale.ROOT);
            var host = m.group(2).toLowerCase(Locale.ROOT);
            return Sql.one(
                    c,
                    """
                    select c.id from community c join actor a on a.id = c.actor_id
                    where a.preferred_username = ? and (a.domain = ? or a.local and ? = ?) and a.suspended_at is null""",
                    rs -> (RemoteLookup.Found) new RemoteLookup.Found.Community(rs.getLong(1)),
                    name,
                    host,
                    host,
                    ourHost);
        }
        URI uri;
        try {
            uri = URI.create(text);
        } catch (IllegalArgumentException e) {
            throw Refusal.invalid("q", "\"" + text + "\" is not a URL");
        }
        var community =
                Sql.one(c, """
                select c.id from community c join actor a on a.id = c.actor_id where a.uri = ? and a.suspended_at is null""", rs -> (RemoteLookup.Found) new RemoteLookup.Found.Community(rs.getLong(1)), uri);
        if (community.isPresent()) return community;
        return posts.findShownByUri(c, uri).map(p -> new RemoteLookup.Found.Post(p.id()));
    }

    /** Each word of the query as a prefix, all required: "anx sleep" finds "anxiety and sleeping". */
    static String tsquery(String q) {
        if (q == null || q.isBlank()) throw Refusal.invalid("q", "say what to search for");
        if (q.length() > MAX_QUERY) throw Refusal.invalid("q", "q must be at most " + MAX_QUERY + " characters");
        var words = new ArrayList<String>();
        var m = WORD.matcher(q.toLowerCase(Locale.ROOT));
        while (m.find() && words.size() < MAX_WORDS) words.add(m.group() + ":*");
        if (words.isEmpty()) throw Refusal.invalid("q", "q needs at least one word of letters or digits");
        return String.join(" & ", words);
    }
}
