package app.kindred.api;

import app.kindred.Refusal;
import app.kindred.api.Views.PostView;
import app.kindred.api.Views.ScoreView;
import app.kindred.api.Views.ThreadList;
import app.kindred.api.Views.ThreadPage;
import app.kindred.storage.Database;
import app.kindred.storage.Sql;
import app.kindred.thread.Post;
import app.kindred.thread.PostStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The read side of threads for the API: posts with their authors' handles, scores and comment
 * counts, fetched in a few batched queries per page rather than a few per post.
 */
final class PostViews {
    static final int PER_PAGE = 20;

    private final Database db;
    private final PostStore posts;

    PostViews(Database db, PostStore posts) {
        this.db = db;
        this.posts = posts;
    }

    ThreadList threads(long communityId, PostStore.Sort sort, int page) {
        var list = db.read(c -> {
            var threads = posts.threads(c, communityId, sort, PER_PAGE, (page - 1) * PER_PAGE);
            var facts = Facts.load(c, threads);
            return threads.stream().map(p -> view(p, facts, null)).toList();
        });
        return new ThreadList(sort.name().toLowerCase(Locale.ROOT), page, PER_PAGE, list);
    }

    /** A thread with every comment, as a tree in the order they were written. */
    ThreadPage thread(long id) {
        return db.read(c -> {
            var thread = posts.findById(c, id).orElseThrow(() -> Refusal.notFound("there is no thread " + id));
            if (!thread.isThread()) throw Refusal.notFound("post " + id + " is a comment; its thread is " + thread.threadId());
            var comments = posts.comments(c, id);
            var all = new ArrayList<Post>(comments);
            all.add(thread);
            var facts = Facts.load(c, all);
            var children = new HashMap<Long, List<Post>>();
            for (var comment : comments) children.computeIfAbsent(comment.parentId(), k -> new ArrayList<>()).add(comment);
            return new ThreadPage(view(thread, facts, null), tree(id, children, facts));
        });
    }

    /** Posts as found (search results), in the order given; comments without their replies. */
    List<PostView> list(List<Post> found) {
        return db.read(c -> {
            var facts = Facts.load(c, found);
            return found.stream().map(p -> view(p, facts, p.isThread() ? null : List.of())).toList();
        });
    }

    PostView post(long id) {
        return db.read(c -> {
            var post = posts.findById(c, id).orElseThrow(() -> Refusal.notFound("there is no post " + id));
            return view(post, Facts.load(c, List.of(post)), post.isThread() ? null : List.of());
        });
    }

    private List<PostView> tree(long parentId, Map<Long, List<Post>> children, Facts facts) {
        var out = new ArrayList<PostView>();
        for (var child : children.getOrDefault(parentId, List.of())) {
            out.add(view(child, facts, tree(child.id(), children, facts)));
        }
        return out;
    }

    private static PostView view(Post p, Facts facts, List<PostView> children) {
        var score = facts.scores.getOrDefault(p.id(), new ScoreView(0, 0, 0));
        Long comments = p.isThread() ? facts.commentCounts.getOrDefault(p.id(), 0L) : null;
        var kids = p.isThread() ? null : children == null ? List.<PostView>of() : children;
        if (p.deleted()) {
            return new PostView(p.id(), p.uri().toString(), p.communityId(), p.threadId(), p.parentId(), null, p.title(), "",
                    null, null, false, null, score, comments, p.published(), p.deletedAt(), true, p.removed(),
                    p.removalReason(), p.locked(), p.pinned(), kids);
        }
        if (p.removed()) {
            return new PostView(p.id(), p.uri().toString(), p.communityId(), p.threadId(), p.parentId(), null,
                    p.isThread() ? "[removed]" : null, "", null, null, false, null, score, comments, p.published(),
                    p.updated(), false, true, p.removalReason(), p.locked(), p.pinned(), kids);
        }
        return new PostView(p.id(), p.uri().toString(), p.communityId(), p.threadId(), p.parentId(),
                facts.handles.get(p.authorId()), p.title(), p.contentHtml(), p.local() ? p.sourceMarkdown() : null,
                p.summary(), p.sensitive(), p.language(), score, comments, p.published(), p.updated(), false, false, null,
                p.locked(), p.pinned(), kids);
    }

    /** What a page of posts needs beyond the posts themselves, keyed by post or actor id. */
    private record Facts(Map<Long, String> handles, Map<Long, ScoreView> scores, Map<Long, Long> commentCounts) {
        static Facts load(Connection c, Collection<Post> posts) throws SQLException {
            var handles = new LinkedHashMap<Long, String>();
            var scores = new HashMap<Long, ScoreView>();
            var counts = new HashMap<Long, Long>();
            if (posts.isEmpty()) return new Facts(handles, scores, counts);
            var postIds = c.createArrayOf("bigint", posts.stream().map(Post::id).toArray());
            var authorIds = c.createArrayOf("bigint", posts.stream().map(Post::authorId).distinct().toArray());
            for (var row : Sql.list(c, "select id, preferred_username || '@' || domain from actor where id = any(?)",
                    rs -> Map.entry(rs.getLong(1), rs.getString(2)), authorIds)) {
                handles.put(row.getKey(), row.getValue());
            }
            for (var row : Sql.list(c, """
                    select post_id, count(*) filter (where value > 0), count(*) filter (where value < 0)
                    from vote where post_id = any(?) group by post_id""",
                    rs -> Map.entry(rs.getLong(1), new ScoreView(rs.getLong(2), rs.getLong(3), rs.getLong(2) - rs.getLong(3))),
                    postIds)) {
                scores.put(row.getKey(), row.getValue());
            }
            for (var row : Sql.list(c, """
                    select thread_id, count(*) from post where thread_id = any(?) and deleted_at is null group by thread_id""",
                    rs -> Map.entry(rs.getLong(1), rs.getLong(2)), postIds)) {
                counts.put(row.getKey(), row.getValue());
            }
            return new Facts(handles, scores, counts);
        }
    }
}
