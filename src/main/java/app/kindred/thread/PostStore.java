package app.kindred.thread;

import app.kindred.community.Membership;
import app.kindred.storage.CommunityTurn;
import app.kindred.storage.Sql;
import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/** Threads and comments. Objects upsert by id, so a repeated or late delivery changes nothing twice. */
public final class PostStore {
    private final Supplier<List<String>> unlisted;

    /**
     * @param unlisted authorities whose threads are kept out of listings (limited instances), known without a
     *     database read: a listing asks while holding its connection, and asking the pool for a second one let a
     *     crowd of listings hold every connection and wait for one more (perf14b: 2 s stalls answered 503)
     */
    public PostStore(Supplier<List<String>> unlisted) {
        this.unlisted = unlisted;
    }

    public PostStore() {
        this(List::of);
    }

    private static final List<String> NAMES = List.of(
            "id",
            "uri",
            "community_id",
            "author_id",
            "parent_id",
            "thread_id",
            "local",
            "ap_type",
            "title",
            "content_html",
            "source_markdown",
            "summary",
            "sensitive",
            "language",
            "url",
            "published",
            "updated",
            "deleted_at",
            "removed_at",
            "removal_reason",
            "locked_at",
            "pinned_at",
            "held_at",
            "held_reason",
            "community_warning");
    static final String COLUMNS = columns("post");

    /** The post columns with a table alias, extras read as text. */
    static String columns(String alias) {
        return String.join(", ", NAMES.stream().map(n -> alias + "." + n).toList()) + ", " + alias
                + ".extras::text as extras";
    }

    public record NewPost(
            URI uri,
            long communityId,
            long authorId,
            Long parentId,
            Long threadId,
            boolean local,
            String apType,
            String title,
            String contentHtml,
            String sourceMarkdown,
            String summary,
            boolean sensitive,
            String language,
            String url,
            Instant published,
            String activityUri,
            String extras) {}

    /** The post as stored, and whether this call stored it (false: it was there already). */
    public record Stored(Post post, boolean created) {}

    private static final String INSERT = """
            insert into post (uri, community_id, author_id, parent_id, thread_id, local, ap_type, title, content_html,
                              source_markdown, summary, sensitive, language, url, published, activity_uri, extras)
            values\s""";
    private static final String ROW = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)";
    private static final String ON_CONFLICT = " on conflict (uri) do nothing returning " + COLUMNS + ", members_only";

    /** Inserts, or leaves the existing post with that id untouched: repeats and races store it once. */
    public Stored insert(Connection c, NewPost p) throws SQLException {
        return stored(c, p, Sql.one(c, INSERT + ROW + ON_CONFLICT, rs -> inserted(c, rs), values(p)));
    }

    /** The new row comes back whole from its insert; only a post we had already is read. */
    private Stored stored(Connection c, NewPost p, Optional<Post> inserted) throws SQLException {
        return inserted.isPresent()
                ? new Stored(inserted.get(), true)
                : new Stored(findByUri(c, p.uri()).orElseThrow(), false);
    }

    /** What is done once a post is stored: holding it, telling people, queuing its announces. */
    @FunctionalInterface
    public interface Then {
        void stored(Stored stored) throws SQLException;
    }

    /**
     * As {@link #insert(Connection, NewPost)}, then {@code then} with what was stored. In a community's turn
     * that saves work up (its received posts, {@link CommunityTurn#defers}), the post is inserted with the
     * turn's other new posts, in one statement, and {@code then} follows in order: one round trip for the
     * turn's posts, not one each (the turn is the part of taking in a busy community's activities that runs
     * one at a time). A read of the turn that must see a saved-up post ({@link #findByUri}) has them inserted
     * first.
     */
    public void insert(Connection c, NewPost p, Then then) throws SQLException {
        var saved = CommunityTurn.deferred(c, p.communityId(), TurnPosts.class, () -> new TurnPosts(this));
        if (saved.isPresent()) saved.get().add(p, then);
        else then.stored(insert(c, p));
    }

    /** A community turn's new posts, inserted together, each then followed by what it does once stored. */
    private static final class TurnPosts implements CommunityTurn.Deferred {
        private record Saved(NewPost post, Then then) {}

        private final PostStore posts;
        private final List<Saved> saved = new ArrayList<>();
        private final Set<String> uris = new HashSet<>();

        TurnPosts(PostStore posts) {
            this.posts = posts;
        }

        void add(NewPost p, Then then) {
            saved.add(new Saved(p, then));
            uris.add(p.uri().toString());
        }

        boolean holds(URI uri) {
            return uris.contains(uri.toString());
        }

        @Override
        public void flush(Connection c) throws SQLException {
            var sql = new StringBuilder(INSERT);
            var params = new ArrayList<Object>(saved.size() * 17);
            for (var s : saved) {
                if (!params.isEmpty()) sql.append(", ");
                sql.append(ROW);
                params.addAll(Arrays.asList(values(s.post())));
            }
            var inserted = new HashMap<String, Post>();
            for (var post : Sql.list(c, sql + ON_CONFLICT, rs -> inserted(c, rs), params.toArray()))
                inserted.put(post.uri().toString(), post);
            // The first of the same post twice is the one that stored it, as one insert after another would.
            for (var s : saved)
                s.then()
                        .stored(posts.stored(
                                c,
                                s.post(),
                                Optional.ofNullable(
                                        inserted.remove(s.post().uri().toString()))));
        }
    }

    private static Post inserted(Connection c, ResultSet rs) throws SQLException {
        // Whether it is for members only (decided by the row's trigger) is what sending it asks next.
        var post = map(rs);
        Membership.knownMembersOnly(c, post.communityId(), post.uri().toString(), rs.getBoolean("members_only"));
        return post;
    }

    private static Object[] values(NewPost p) {
        return new Object[] {
            p.uri(),
            p.communityId(),
            p.authorId(),
            p.parentId(),
            p.threadId(),
            p.local(),
            p.apType(),
            p.title(),
            p.contentHtml(),
            p.sourceMarkdown(),
            p.summary(),
            p.sensitive(),
            p.language(),
            p.url(),
            p.published() == null ? Instant.now() : p.published(),
            p.activityUri(),
            p.extras() == null ? "{}" : p.extras()
        };
    }

    /** Local posts get their final id once the row exists: {base}/p/{row id}. */
    public void setUri(Connection c, long id, URI uri) throws SQLException {
        Sql.update(c, "update post set uri = ? where id = ?", uri, id);
    }

    public void update(
            Connection c,
            long id,
            String title,
            String contentHtml,
            String sourceMarkdown,
            String summary,
            boolean sensitive,
            Instant updated)
            throws SQLException {
        Sql.update(c, """
                update post set title = coalesce(?, title), content_html = ?, source_markdown = ?, summary = ?, sensitive = ?,
                       updated = ? where id = ? and deleted_at is null""", title, contentHtml, sourceMarkdown, summary, sensitive, updated, id);
    }

    /** What a tombstone keeps: its place in the tree; the content is gone. (care.Departures makes the same, for a person who left.) */
    private static final String TOMBSTONE = """
            update post set deleted_at = now(), title = case when parent_id is null then '[deleted]' else null end,
                   content_html = '', source_markdown = null, summary = null, url = null, extras = '{}'::jsonb
            """;

    /** One of our posts' link and images after an edit; the rest of what it carries stays. */
    public void setLinkAndImages(Connection c, long id, String url, String attachmentsJson) throws SQLException {
        Sql.update(c, """
                update post set url = ?, extras = jsonb_set(coalesce(extras, '{}'::jsonb), '{attachments}', ?::jsonb)
                where id = ? and deleted_at is null""", url, attachmentsJson, id);
    }

    /** A remote post's link and extras (attachments, thumbnail, tags) as its latest Update says. */
    public void setLinkAndExtras(Connection c, long id, String url, String extras) throws SQLException {
        Sql.update(
                c, "update post set url = ?, extras = ?::jsonb where id = ? and deleted_at is null", url, extras, id);
    }

    /** A deleted post stays as a tombstone: its place in the tree is kept, its content is gone. */
    public void tombstone(Connection c, long id) throws SQLException {
        Sql.update(c, TOMBSTONE + " where id = ? and deleted_at is null", id);
    }

    /** A moderator's removal (reason null) or restoration; the content stays either way. */
    public void setRemoved(Connection c, long id, boolean removed, String reason) throws SQLException {
        Sql.update(
                c,
                "update post set removed_at = case when ? then coalesce(removed_at, now()) end, removal_reason = ? where id = ?",
                removed,
                removed ? reason : null,
                id);
    }

    public void setLocked(Connection c, long id, boolean locked) throws SQLException {
        Sql.update(
                c,
                "update post set locked_at = case when ? then coalesce(locked_at, now()) end where id = ?",
                locked,
                id);
    }

    /** Pins (features) a thread in its community or unpins it; pinning again keeps the first time. */
    public void setPinned(Connection c, long id, boolean pinned) throws SQLException {
        Sql.update(
                c,
                "update post set pinned_at = case when ? then coalesce(pinned_at, now()) end where id = ?",
                pinned,
                id);
    }

    /** The community's pinned threads that are shown, most recently pinned first. */
    public List<Post> pinned(Connection c, long communityId, int limit) throws SQLException {
        return Sql.list(
                c,
                "select " + columns("p") + " from post p where p.community_id = ? and p.parent_id is null"
                        + " and p.pinned_at is not null and not p.members_only and p.deleted_at is null and p.removed_at is null and "
                        + NOT_HELD + " and " + VISIBLE_AUTHOR
                        + " order by p.pinned_at desc, p.id desc limit ?",
                PostStore::map,
                communityId,
                limit);
    }

    public long pinnedCount(Connection c, long communityId) throws SQLException {
        return Sql.count(
                c,
                "select count(*) from post p where p.community_id = ? and p.parent_id is null"
                        + " and p.pinned_at is not null and not p.members_only and p.deleted_at is null and p.removed_at is null and "
                        + NOT_HELD + " and " + VISIBLE_AUTHOR,
                communityId);
    }

    /** A ban with removeData: everything the actor wrote in the community is removed. */
    public void removeAllBy(Connection c, long communityId, long authorId, String reason) throws SQLException {
        Sql.update(
                c,
                "update post set removed_at = now(), removal_reason = ? where community_id = ? and author_id = ? and removed_at is null",
                reason,
                communityId,
                authorId);
    }

    public Optional<Post> findById(Connection c, long id) throws SQLException {
        return Sql.one(c, "select " + COLUMNS + " from post where id = ?", PostStore::map, id);
    }

    public Optional<Post> findByUri(Connection c, URI uri) throws SQLException {
        // A post the community's turn has saved up to insert later is inserted now, so that it is found.
        if (CommunityTurn.pending(c, TurnPosts.class).filter(t -> t.holds(uri)).isPresent()) CommunityTurn.settle(c);
        return Sql.one(c, "select " + COLUMNS + " from post where uri = ?", PostStore::map, uri);
    }

    public enum Sort {
        NEW,
        ACTIVE,
        TOP
    }

    /** Held posts are read by their author and the community's moderators only; others are not told they exist. */
    static final String NOT_HELD = "p.held_at is null";

    /** Content of a suspended instance stays stored but is not shown. */
    private static final String VISIBLE_AUTHOR =
            "not exists (select 1 from actor a where a.id = p.author_id and a.suspended_at is not null)";

    /** Threads of a community as anyone may list them: without what its members alone read (issue 17). */
    public List<Post> threads(Connection c, long communityId, Sort sort, int limit, int offset) throws SQLException {
        return threads(c, communityId, sort, limit, offset, false);
    }

    /**
     * Threads of a community, pinned ones first, then newest, most recently commented, or highest score first;
     * members-only threads with {@code withMembersOnly}, for a reader whom {@code Membership} lets in.
     */
    public List<Post> threads(Connection c, long communityId, Sort sort, int limit, int offset, boolean withMembersOnly)
            throws SQLException {
        var order = switch (sort) {
            case NEW -> "p.published desc, p.id desc";
            case ACTIVE ->
                "coalesce((select max(r.published) from post r where r.thread_id = p.id), p.published) desc, p.id desc";
            case TOP -> "coalesce((select sum(v.value) from vote v where v.post_id = p.id), 0) desc, p.published desc";
        };
        return Sql.list(
                c,
                "select " + columns("p") + " from post p where p.community_id = ? and p.parent_id is null "
                        + "and p.deleted_at is null and p.removed_at is null and " + NOT_HELD + " and " + VISIBLE_AUTHOR
                        + " and not exists (select 1 from actor l where l.id = p.author_id and l.domain = any(?))"
                        + " and (not p.members_only or ?)"
                        + " order by p.pinned_at is null, " + order + " limit ? offset ?",
                PostStore::map,
                communityId,
                c.createArrayOf("text", unlisted.get().toArray()),
                withMembersOnly,
                limit,
                offset);
    }

    /** Which communities a home feed draws its threads from. */
    public enum Scope {
        /** Those the reader follows (accepted follows only). */
        SUBSCRIBED,
        /** This instance's own communities. */
        LOCAL,
        /** Every community this instance knows. */
        ALL
    }

    /**
     * Threads across communities for a home feed, ordered as {@link #threads} orders one community's
     * (pinned threads are pinned within their community, so they take no precedence here). Suspended
     * communities and instances, limited instances, and what the reader keeps out are left out.
     *
     * @param follower            the reader's actor, for {@link Scope#SUBSCRIBED} (null otherwise)
     * @param leftOutCommunities  communities the reader hid or is taking a break from
     * @param leftOutAuthors      authors the reader muted
     */
    public List<Post> feed(
            Connection c,
            Scope scope,
            Long follower,
            Sort sort,
            java.util.Collection<Long> leftOutCommunities,
            java.util.Collection<Long> leftOutAuthors,
            int limit,
            int offset)
            throws SQLException {
        var order = switch (sort) {
            case NEW -> "p.published desc, p.id desc";
            case ACTIVE ->
                "coalesce((select max(r.published) from post r where r.thread_id = p.id), p.published) desc, p.id desc";
            case TOP ->
                "coalesce((select sum(v.value) from vote v where v.post_id = p.id), 0) desc, p.published desc, p.id desc";
        };
        var where = switch (scope) {
            case SUBSCRIBED ->
                "k.actor_id in (select f.followed_id from follow f where f.follower_id = ? and f.state = 'accepted')";
            case LOCAL -> "ka.local and ?::bigint is null";
            case ALL -> "?::bigint is null";
        };
        return Sql.list(
                c,
                "select " + columns("p") + " from post p join community k on k.id = p.community_id"
                        + " join actor ka on ka.id = k.actor_id where p.parent_id is null"
                        + " and p.deleted_at is null and p.removed_at is null and ka.suspended_at is null and "
                        + VISIBLE_AUTHOR
                        + " and not exists (select 1 from actor l where l.id = p.author_id and l.domain = any(?))"
                        + " and not (p.community_id = any(?)) and not (p.author_id = any(?)) and " + where
                        // Members-only threads reach only the subscribed feed, whose follows are accepted (issue 17).
                        + " and (not p.members_only or " + (scope == Scope.SUBSCRIBED) + ")"
                        + " order by " + order + " limit ? offset ?",
                PostStore::map,
                c.createArrayOf("text", unlisted.get().toArray()),
                c.createArrayOf("bigint", leftOutCommunities.toArray()),
                c.createArrayOf("bigint", leftOutAuthors.toArray()),
                follower,
                limit,
                offset);
    }

    /**
     * What listings show of a post: not deleted, not removed, its author not suspended nor on a
     * limited instance, and for a comment a thread that is not removed either. Search answers with this.
     */
    private static final String SHOWN = "not p.members_only and p.deleted_at is null and p.removed_at is null and "
            + NOT_HELD + " and "
            + VISIBLE_AUTHOR
            + " and not exists (select 1 from actor l where l.id = p.author_id and l.domain = any(?))"
            + " and (p.thread_id is null or exists (select 1 from post t where t.id = p.thread_id and t.removed_at is null"
            + " and t.held_at is null))";

    /** Shown threads and comments matching a full-text query (to_tsquery syntax, 'simple'), best match first. */
    public List<Post> search(Connection c, String tsquery, int limit, int offset) throws SQLException {
        return Sql.list(
                c,
                "select " + columns("p") + " from post p, to_tsquery('simple', ?) q where p.search @@ q and " + SHOWN
                        + " order by ts_rank(p.search, q) desc, p.published desc, p.id desc limit ? offset ?",
                PostStore::map,
                tsquery,
                c.createArrayOf("text", unlisted.get().toArray()),
                limit,
                offset);
    }

    /** The post with this id, if it is one listings show. */
    public Optional<Post> findShownByUri(Connection c, URI uri) throws SQLException {
        return Sql.one(
                c,
                "select " + columns("p") + " from post p where p.uri = ? and " + SHOWN,
                PostStore::map,
                uri,
                c.createArrayOf("text", unlisted.get().toArray()));
    }

    /** Every comment of a thread that is not held, oldest first; the tree is rebuilt from parent ids. */
    public List<Post> comments(Connection c, long threadId) throws SQLException {
        return comments(c, threadId, null, false);
    }

    /**
     * Every comment of a thread as a reader sees it, oldest first: held comments only for their
     * author ({@code readerActorId}) and, with {@code moderator}, for the community's moderators.
     */
    public List<Post> comments(Connection c, long threadId, Long readerActorId, boolean moderator) throws SQLException {
        return Sql.list(
                c,
                "select " + columns("p") + " from post p where p.thread_id = ? and " + VISIBLE_AUTHOR
                        + " and (p.held_at is null or ? or p.author_id = ?) order by p.published, p.id",
                PostStore::map,
                threadId,
                moderator,
                readerActorId);
    }

    /**
     * Holds a post for a moderator, keeping what a remote server sent (activity and object, null for
     * our own members' posts) so that approval can announce it as it arrived.
     */
    public void hold(Connection c, long id, String reason, String activity, String object) throws SQLException {
        Sql.update(
                c,
                "update post set held_at = coalesce(held_at, now()), held_reason = ?,"
                        + " held_activity = coalesce(?::jsonb, held_activity), held_object = coalesce(?::jsonb, held_object)"
                        + " where id = ?",
                reason,
                activity,
                object,
                id);
    }

    /** What a remote server sent for a held post: its activity and object as JSON text (either may be null). */
    public record HeldDocuments(String activity, String object) {}

    public HeldDocuments heldDocuments(Connection c, long id) throws SQLException {
        return Sql.one(
                        c,
                        "select held_activity::text, held_object::text from post where id = ?",
                        rs -> new HeldDocuments(rs.getString(1), rs.getString(2)),
                        id)
                .orElseThrow();
    }

    /** A moderator let a held post through, optionally with a warning of the community's own. */
    public void approve(Connection c, long id, String communityWarning) throws SQLException {
        Sql.update(
                c,
                "update post set held_at = null, held_reason = null, held_activity = null, held_object = null,"
                        + " community_warning = coalesce(?, community_warning) where id = ?",
                communityWarning,
                id);
    }

    /** A warning the community's home added to a post it approved (read from its announce). */
    public void setCommunityWarning(Connection c, long id, String warning) throws SQLException {
        Sql.update(c, "update post set community_warning = ? where id = ?", warning, id);
    }

    /** A community's held posts, oldest first: the moderators' queue. */
    public List<Post> held(Connection c, long communityId, int limit, int offset) throws SQLException {
        return Sql.list(
                c,
                "select " + columns("p") + " from post p where p.community_id = ? and p.held_at is not null"
                        + " and p.deleted_at is null and p.removed_at is null order by p.held_at, p.id limit ? offset ?",
                PostStore::map,
                communityId,
                limit,
                offset);
    }

    public long commentCount(Connection c, long threadId) throws SQLException {
        return Sql.count(
                c,
                "select count(*) from post where thread_id = ? and deleted_at is null and held_at is null",
                threadId);
    }

    static Post map(ResultSet rs) throws SQLException {
        return new Post(
                rs.getLong("id"),
                URI.create(rs.getString("uri")),
                rs.getLong("community_id"),
                rs.getLong("author_id"),
                (Long) rs.getObject("parent_id"),
                (Long) rs.getObject("thread_id"),
                rs.getBoolean("local"),
                rs.getString("ap_type"),
                rs.getString("title"),
                rs.getString("content_html"),
                rs.getString("source_markdown"),
                rs.getString("summary"),
                rs.getBoolean("sensitive"),
                rs.getString("language"),
                rs.getString("url"),
                Sql.instant(rs, "published"),
                Sql.instant(rs, "updated"),
                Sql.instant(rs, "deleted_at"),
                rs.getString("extras"),
                Sql.instant(rs, "removed_at"),
                rs.getString("removal_reason"),
                Sql.instant(rs, "locked_at"),
                Sql.instant(rs, "pinned_at"),
                Sql.instant(rs, "held_at"),
                rs.getString("held_reason"),
                rs.getString("community_warning"));
    }
}
