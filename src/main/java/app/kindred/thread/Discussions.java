package app.kindred.thread;

import app.kindred.actor.ActorStore;
import app.kindred.community.Membership;
import app.kindred.community.Participant;
import app.kindred.storage.Database;
import app.kindred.storage.Sql;
import java.sql.Array;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Threads as a reader sees them: each post with its author's name and server, its score, its
 * comment count and the reader's own vote, loaded in a few batched queries per page. The web
 * pages read through this; the rules for writing stay in {@link ThreadService}.
 */
public final class Discussions {
    private final Database db;
    private final PostStore posts;
    private final Posting posting;
    private final ActorStore actors;

    public Discussions(Database db, PostStore posts, Posting posting, ActorStore actors) {
        this.db = db;
        this.posts = posts;
        this.posting = posting;
        this.actors = actors;
    }

    /** Who wrote a post, as a reader is told: name, server, and whether they are from here. */
    /** {@code domain} is null for an author who left (issue 18): shown as "[deleted member]", linked nowhere. */
    /**
     * {@code iconKey} and {@code iconUrl} are the author's picture as stored (our upload's file key, or
     * the remote address), read with the name so a page of many authors costs no query per author.
     */
    public record Author(long actorId, String name, String domain, boolean local, String iconKey, String iconUrl) {
        public String handle() {
            return domain == null ? name : name + "@" + domain;
        }
    }

    /** One post and what a list or thread shows beside it; {@code myVote} is 0 for a reader who has not voted. */
    /**
     * @param anonymous set on an anonymous post (issue 17): its pseudonym, and what this reader may know of who wrote it
     */
    public record Entry(
            Post post,
            Author author,
            VoteStore.Score score,
            long comments,
            int myVote,
            Anonymity.Disclosure anonymous) {}

    /** A thread and all its comments, oldest first (the tree is rebuilt from parent ids). */
    public record Discussion(Entry thread, List<Entry> comments) {}

    /** @param readerActorId the signed-in reader's actor, or null */
    public List<Entry> threads(long communityId, PostStore.Sort sort, int limit, int offset, Long readerActorId) {
        return db.read(c -> {
            // Members-only threads only for a reader the private-community rule lets in (issue 17).
            var reader = readerActorId == null
                    ? null
                    : actors.findById(c, readerActorId).map(Participant::remote).orElse(null);
            boolean member = Membership.isMember(c, communityId, reader);
            return entries(c, posts.threads(c, communityId, sort, limit, offset, member), readerActorId);
        });
    }

    public Optional<Discussion> discussion(long threadId, Long readerActorId) {
        return db.read(c -> {
            var thread = posts.findById(c, threadId);
            if (thread.isEmpty() || !thread.get().isThread()) return Optional.<Discussion>empty();
            // A held thread or comment is read by its author and the community's moderators only.
            var reader = reader(c, readerActorId);
            if (!posting.sees(c, thread.get(), reader)) return Optional.<Discussion>empty();
            var all = new ArrayList<Post>();
            all.add(thread.get());
            all.addAll(posts.comments(
                    c,
                    threadId,
                    readerActorId,
                    reader != null && posting.moderatesCommunityOf(c, thread.get(), reader)));
            var entries = entries(c, all, readerActorId);
            return Optional.of(new Discussion(entries.getFirst(), List.copyOf(entries.subList(1, entries.size()))));
        });
    }

    /**
     * The reader as the visibility rule takes them: an admin of ours moderates every local community,
     * so sees its held posts as its moderators do (issue 16).
     */
    private Participant reader(Connection c, Long readerActorId) throws SQLException {
        if (readerActorId == null) return null;
        var actor = actors.findById(c, readerActorId);
        if (actor.isEmpty()) return null;
        boolean admin = actor.get().local()
                && Sql.count(c, "select count(*) from account where actor_id = ? and role = 'admin'", readerActorId)
                        > 0;
        return new Participant(actor.get(), admin, false);
    }

    /**
     * A post if this reader may read it ({@link Posting#sees}: held posts, members-only posts of private
     * communities); {@code readerActorId} null for a visitor. Every page that shows a post by its id asks this.
     */
    public Optional<Post> readable(long postId, Long readerActorId) {
        return db.read(c -> {
            var post = posts.findById(c, postId);
            if (post.isEmpty()) return Optional.<Post>empty();
            return posting.sees(c, post.get(), reader(c, readerActorId)) ? post : Optional.<Post>empty();
        });
    }

    /** One post as its author or a moderator acting on it sees it, held or not. */
    public Optional<Entry> entry(long postId, Long readerActorId) {
        return db.read(c -> {
            var post = posts.findById(c, postId);
            return post.isEmpty()
                    ? Optional.<Entry>empty()
                    : Optional.of(entries(c, List.of(post.get()), readerActorId).getFirst());
        });
    }

    /** What an actor wrote that is still up (not deleted or removed), newest first. */
    public List<Entry> byAuthor(long authorActorId, int limit, int offset, Long readerActorId) {
        return db.read(c -> entries(
                c,
                Sql.list(c, "select " + PostStore.columns("p") + """
                 from post p where p.author_id = ? and p.deleted_at is null and p.removed_at is null
                and p.held_at is null and not p.members_only
                order by p.published desc, p.id desc limit ? offset ?""", PostStore::map, authorActorId, limit, offset),
                readerActorId));
    }

    /**
     * A home feed's threads (issue 14): across the communities of {@code scope}, less the communities
     * and authors the reader keeps out of their listings.
     */
    public List<Entry> feed(
            PostStore.Scope scope,
            PostStore.Sort sort,
            Collection<Long> leftOutCommunities,
            Collection<Long> leftOutAuthors,
            int limit,
            int offset,
            Long readerActorId) {
        return db.read(c -> entries(
                c,
                posts.feed(
                        c,
                        scope,
                        scope == PostStore.Scope.SUBSCRIBED ? readerActorId : null,
                        sort,
                        leftOutCommunities,
                        leftOutAuthors,
                        limit,
                        offset),
                readerActorId));
    }

    /** Posts found elsewhere (search), with what a list shows beside each, in the order given. */
    public List<Entry> entries(List<Post> found, Long readerActorId) {
        return db.read(c -> entries(c, found, readerActorId));
    }

    private List<Entry> entries(Connection c, List<Post> list, Long readerActorId) throws SQLException {
        if (list.isEmpty()) return List.of();
        var anonymity = posting.anonymity();
        var reader = readerActorId == null
                ? null
                : actors.findById(c, readerActorId).map(Participant::remote).orElse(null);
        var authorIds = list.stream().map(Post::authorId).distinct().toList();
        var disclosures = new HashMap<Long, Anonymity.Disclosure>(
                anonymity.disclosures(c, anonymity.of(c, authorIds).values(), reader));
        // A pseudonym of another server behind which the reader wrote: told to them alone.
        disclosures.putAll(anonymity.elsewhereYours(c, authorIds, reader));
        var authors = new HashMap<Long, Author>();
        var scores = new HashMap<Long, VoteStore.Score>();
        var counts = new HashMap<Long, Long>();
        var mine = new HashMap<Long, Integer>();
        var postIds = ids(c, list.stream().map(Post::id).toList());
        for (var a : Sql.list(
                c,
                """
                select a.id, case when a.gone_at is null then a.preferred_username else '[deleted member]' end,
                       case when a.gone_at is null then a.domain end, a.local and a.gone_at is null,
                       case when a.gone_at is null then i.file_key end, case when a.gone_at is null then a.icon_url end
                from actor a left join media i on i.id = a.icon_media_id and i.removed_at is null
                where a.id = any(?)""",
                rs -> new Author(
                        rs.getLong(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getBoolean(4),
                        rs.getString(5),
                        rs.getString(6)),
                ids(c, list.stream().map(Post::authorId).distinct().toList()))) {
            authors.put(a.actorId(), a);
        }
        for (var row : Sql.list(
                c, """
                select post_id, count(*) filter (where value > 0), count(*) filter (where value < 0)
                from vote where post_id = any(?) group by post_id""", rs -> Map.entry(rs.getLong(1), new VoteStore.Score(rs.getLong(2), rs.getLong(3))), postIds)) {
            scores.put(row.getKey(), row.getValue());
        }
        for (var row : Sql.list(
                c,
                "select thread_id, count(*) from post where thread_id = any(?) and deleted_at is null and held_at is null"
                        + " group by thread_id",
                rs -> Map.entry(rs.getLong(1), rs.getLong(2)),
                postIds)) {
            counts.put(row.getKey(), row.getValue());
        }
        if (readerActorId != null) {
            for (var row : Sql.list(
                    c,
                    "select post_id, value from vote where post_id = any(?) and actor_id = ?",
                    rs -> Map.entry(rs.getLong(1), rs.getInt(2)),
                    postIds,
                    readerActorId)) {
                mine.put(row.getKey(), row.getValue());
            }
        }
        var out = new ArrayList<Entry>(list.size());
        for (var p : list) {
            out.add(new Entry(
                    p,
                    authors.get(p.authorId()),
                    scores.getOrDefault(p.id(), new VoteStore.Score(0, 0)),
                    counts.getOrDefault(p.id(), 0L),
                    mine.getOrDefault(p.id(), 0),
                    disclosures.get(p.authorId())));
        }
        return out;
    }

    private static Array ids(Connection c, Collection<Long> ids) throws SQLException {
        return c.createArrayOf("bigint", ids.toArray());
    }
}
