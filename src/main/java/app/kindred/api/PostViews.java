package app.kindred.api;

import app.kindred.api.Views.AnonymousView;
import app.kindred.api.Views.BreakView;
import app.kindred.api.Views.ImageView;
import app.kindred.api.Views.PostView;
import app.kindred.api.Views.ScoreView;
import app.kindred.api.Views.ThreadList;
import app.kindred.api.Views.ThreadPage;
import app.kindred.care.MemberFilter;
import app.kindred.care.Shown;
import app.kindred.community.Membership;
import app.kindred.community.Participant;
import app.kindred.content.HtmlSanitizer;
import app.kindred.media.MediaService;
import app.kindred.media.PostImages;
import app.kindred.member.Member;
import app.kindred.refusal.Refusal;
import app.kindred.storage.Database;
import app.kindred.storage.Sql;
import app.kindred.thread.Anonymity;
import app.kindred.thread.Post;
import app.kindred.thread.PostStore;
import app.kindred.thread.Posting;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The read side of threads for the API: posts with their authors' handles, scores and comment
 * counts, fetched in a few batched queries per page rather than a few per post.
 */
final class PostViews {
    static final int PER_PAGE = 20;

    private final Database db;
    private final PostStore posts;
    private final MediaService media;
    private final Posting posting;

    PostViews(Database db, PostStore posts, MediaService media, Posting posting) {
        this.db = db;
        this.posts = posts;
        this.media = media;
        this.posting = posting;
    }

    /**
     * A page of a community's threads as the viewer sees it: without those by members they block,
     * who block them or whom they mute (a page may then hold fewer than {@link #PER_PAGE}), and none
     * at all during a break from the community, which is named instead.
     */
    ThreadList threads(
            long communityId,
            PostStore.Sort sort,
            int page,
            Shown shown,
            Optional<BreakView> onBreak,
            Optional<Member> viewer) {
        var sortName = sort.name().toLowerCase(Locale.ROOT);
        if (!shown.reaches(communityId))
            return new ThreadList(sortName, page, PER_PAGE, List.of(), onBreak.orElse(null));
        var list = db.read(c -> {
            // Members-only threads only for a reader the private-community rule lets in (issue 17).
            boolean member = Membership.isMember(
                    c, communityId, viewer.map(Participant::member).orElse(null));
            var threads = posts.threads(c, communityId, sort, PER_PAGE, (page - 1) * PER_PAGE, member).stream()
                    .filter(p -> shown.listsIn(p.communityId(), p.authorId()) && !filteredOut(p, shown))
                    .toList();
            var facts = Facts.load(c, threads, null, posting.anonymity());
            return threads.stream().map(p -> view(p, facts, null, shown)).toList();
        });
        return new ThreadList(sortName, page, PER_PAGE, list, null);
    }

    /**
     * A thread with every comment, as a tree in the order they were written. A post by someone the
     * viewer blocks, who blocks them or whom they mute keeps its place in the tree, so the replies
     * under it still make sense, but shows no author or words: {@code collapsed} says why.
     */
    ThreadPage thread(long id, Shown shown, Optional<Member> viewer) {
        return db.read(c -> {
            var reader = viewer.map(Participant::member).orElse(null);
            var thread = posts.findById(c, id).orElseThrow(() -> Refusal.notFound("there is no thread " + id));
            if (!posting.sees(c, thread, reader)) throw Refusal.notFound("there is no thread " + id);
            if (!thread.isThread())
                throw Refusal.notFound("post " + id + " is a comment; its thread is " + thread.threadId());
            var comments = posts.comments(
                    c,
                    id,
                    reader == null ? null : reader.id(),
                    reader != null && posting.moderatesCommunityOf(c, thread, reader));
            var all = new ArrayList<Post>(comments);
            all.add(thread);
            var facts = Facts.load(c, all, reader, posting.anonymity());
            var children = new HashMap<Long, List<Post>>();
            for (var comment : comments)
                children.computeIfAbsent(comment.parentId(), k -> new ArrayList<>())
                        .add(comment);
            return new ThreadPage(view(thread, facts, null, shown), tree(id, children, facts, shown));
        });
    }

    /** Posts as found (search results), in the order given, less those the viewer's distance keeps out; comments without their replies. */
    List<PostView> list(List<Post> found, Shown shown) {
        var listed = found.stream()
                .filter(p -> shown.listsAcross(p.communityId(), p.authorId()) && !filteredOut(p, shown))
                .toList();
        return db.read(c -> {
            var facts = Facts.load(c, listed, null, posting.anonymity());
            return listed.stream()
                    .map(p -> view(p, facts, p.isThread() ? null : List.of(), shown))
                    .toList();
        });
    }

    /** Posts held for review, for their community's moderators: read together, each shown as {@link #post(long, Member, boolean)} without a reader shows it. */
    List<PostView> held(List<Post> held) {
        return db.read(c -> {
            var facts = Facts.load(c, held, null, posting.anonymity());
            return held.stream()
                    .map(p -> view(p, facts, p.isThread() ? null : List.of(), Shown.EVERYTHING))
                    .toList();
        });
    }

    /**
     * One post as {@code reader} (null: nobody signed in) is told of it, anonymous authorship included. With
     * {@code onlyIfReadable}, only a post they may read (a held one by its author and the community's moderators,
     * members-only ones by members); without, a post just written or acted on, for the member who did it.
     */
    PostView post(long id, Member reader, boolean onlyIfReadable) {
        return db.read(c -> {
            var participant = reader == null ? null : Participant.member(reader);
            var post = posts.findById(c, id).orElseThrow(() -> Refusal.notFound("there is no post " + id));
            if (onlyIfReadable && !posting.sees(c, post, participant)) throw Refusal.notFound("there is no post " + id);
            return view(
                    post,
                    Facts.load(c, List.of(post), participant, posting.anonymity()),
                    post.isThread() ? null : List.of(),
                    Shown.EVERYTHING);
        });
    }

    private List<PostView> tree(long parentId, Map<Long, List<Post>> children, Facts facts, Shown shown) {
        var out = new ArrayList<PostView>();
        for (var child : children.getOrDefault(parentId, List.of())) {
            out.add(view(child, facts, tree(child.id(), children, facts, shown), shown));
        }
        return out;
    }

    private PostView view(Post p, Facts facts, List<PostView> children, Shown shown) {
        var score = facts.scores.getOrDefault(p.id(), new ScoreView(0, 0, 0));
        Long comments = p.isThread() ? facts.commentCounts.getOrDefault(p.id(), 0L) : null;
        var kids = p.isThread() ? null : children == null ? List.<PostView>of() : children;
        if (p.deleted()) {
            return new PostView(
                    p.id(),
                    p.uri().toString(),
                    p.communityId(),
                    p.threadId(),
                    p.parentId(),
                    null,
                    null,
                    p.title(),
                    "",
                    null,
                    null,
                    false,
                    null,
                    null,
                    null,
                    List.of(),
                    null,
                    score,
                    comments,
                    p.published(),
                    p.deletedAt(),
                    true,
                    p.removed(),
                    p.removalReason(),
                    p.locked(),
                    p.pinned(),
                    null,
                    kids,
                    p.held(),
                    p.heldReason(),
                    p.communityWarning(),
                    facts.anonymous(p.authorId()));
        }
        if (p.removed()) {
            return new PostView(
                    p.id(),
                    p.uri().toString(),
                    p.communityId(),
                    p.threadId(),
                    p.parentId(),
                    null,
                    null,
                    p.isThread() ? "[removed]" : null,
                    "",
                    null,
                    null,
                    false,
                    null,
                    null,
                    null,
                    List.of(),
                    null,
                    score,
                    comments,
                    p.published(),
                    p.updated(),
                    false,
                    true,
                    p.removalReason(),
                    p.locked(),
                    p.pinned(),
                    null,
                    kids,
                    p.held(),
                    p.heldReason(),
                    p.communityWarning(),
                    facts.anonymous(p.authorId()));
        }
        // A member's hiding filter keeps a post out of listings; in a thread it keeps its place, as a mute does.
        var filter = shown.filters().isEmpty()
                ? Optional.<MemberFilter>empty()
                : shown.filter(p.title(), HtmlSanitizer.toText(p.contentHtml()), p.summary());
        var collapsed = shown.collapses(p.authorId())
                .or(() -> filter.filter(f -> f.action() == MemberFilter.Action.HIDE)
                        .map(f -> "filtered"));
        if (collapsed.isPresent()) {
            return new PostView(
                    p.id(),
                    p.uri().toString(),
                    p.communityId(),
                    p.threadId(),
                    p.parentId(),
                    null,
                    null,
                    p.isThread()
                            ? switch (collapsed.get()) {
                                case "blocked" -> "[a blocked member]";
                                case "filtered" -> "[filtered]";
                                default -> "[a muted member]";
                            }
                            : null,
                    "",
                    null,
                    null,
                    false,
                    null,
                    null,
                    null,
                    List.of(),
                    null,
                    score,
                    comments,
                    p.published(),
                    null,
                    false,
                    false,
                    null,
                    p.locked(),
                    p.pinned(),
                    collapsed.get(),
                    kids,
                    p.held(),
                    p.heldReason(),
                    p.communityWarning(),
                    null);
        }
        return new PostView(
                p.id(),
                p.uri().toString(),
                p.communityId(),
                p.threadId(),
                p.parentId(),
                facts.handles.get(p.authorId()),
                avatar(facts, p.authorId()),
                p.title(),
                p.contentHtml(),
                p.local() ? p.sourceMarkdown() : null,
                filter.isEmpty()
                        ? p.summary()
                        : p.summary() == null
                                ? "Filtered: " + filter.get().title()
                                : p.summary() + "; filtered: " + filter.get().title(),
                p.sensitive() || filter.isPresent(),
                p.language(),
                PostImages.link(p.url()),
                PostImages.host(p.url()),
                images(p),
                media.postImages().thumbnail(p.extras()),
                score,
                comments,
                p.published(),
                p.updated(),
                false,
                false,
                null,
                p.locked(),
                p.pinned(),
                null,
                kids,
                p.held(),
                p.heldReason(),
                p.communityWarning(),
                facts.anonymous(p.authorId()));
    }

    /** A post the member's own hiding filter keeps out of this listing. */
    private static boolean filteredOut(Post p, Shown shown) {
        return !shown.filters().isEmpty()
                && shown.filtersOut(p.title(), HtmlSanitizer.toText(p.contentHtml()), p.summary());
    }

    private String avatar(Facts facts, long authorId) {
        var avatar = facts.avatars.get(authorId);
        return avatar == null ? null : media.picture(avatar[0], avatar[1]);
    }

    private List<ImageView> images(Post p) {
        return media.postImages().images(p.extras(), p.url()).stream()
                .map(i -> new ImageView(i.url(), i.alt(), i.width(), i.height()))
                .toList();
    }

    /** What a page of posts needs beyond the posts themselves, keyed by post or actor id. */
    private record Facts(
            Map<Long, String> handles,
            Map<Long, ScoreView> scores,
            Map<Long, Long> commentCounts,
            Map<Long, String[]> avatars,
            Map<Long, AnonymousView> pseudonyms) {
        /** What the reader is told of an anonymous post's author (issue 17); null for a post under its author's name. */
        AnonymousView anonymous(long authorId) {
            return pseudonyms.get(authorId);
        }

        /** @param reader who reads (null: nobody signed in, or a list read without asking who) */
        static Facts load(Connection c, Collection<Post> posts, Participant reader, Anonymity anonymity)
                throws SQLException {
            var handles = new LinkedHashMap<Long, String>();
            var scores = new HashMap<Long, ScoreView>();
            var counts = new HashMap<Long, Long>();
            var avatars = new HashMap<Long, String[]>();
            var pseudonyms = new HashMap<Long, AnonymousView>();
            if (posts.isEmpty()) return new Facts(handles, scores, counts, avatars, pseudonyms);
            var authors = posts.stream().map(Post::authorId).distinct().toList();
            anonymity
                    .disclosures(c, anonymity.of(c, authors).values(), reader)
                    .forEach((actorId, d) ->
                            pseudonyms.put(actorId, new AnonymousView(d.pseudonym(), d.yours(), d.writtenBy())));
            // A pseudonym of another server behind which the reader wrote: told to them alone.
            anonymity
                    .elsewhereYours(c, authors, reader)
                    .forEach((actorId, told) ->
                            pseudonyms.put(actorId, new AnonymousView(told.pseudonym(), true, null)));
            var postIds = c.createArrayOf("bigint", posts.stream().map(Post::id).toArray());
            var authorIds = c.createArrayOf(
                    "bigint", posts.stream().map(Post::authorId).distinct().toArray());
            for (var row : Sql.list(c, """
                    select id, case when gone_at is null then preferred_username || '@' || domain
                                    else '[deleted member]' end
                    from actor where id = any(?)""", rs -> Map.entry(rs.getLong(1), rs.getString(2)), authorIds)) {
                handles.put(row.getKey(), row.getValue());
            }
            // An author's avatar: our upload's file, or the remote address the proxy serves.
            for (var row : Sql.list(
                    c,
                    """
                    select a.id, m.file_key, a.icon_url from actor a
                    left join media m on m.id = a.icon_media_id and m.removed_at is null
                    where a.id = any(?) and (m.file_key is not null or a.icon_url is not null)""",
                    rs -> Map.entry(rs.getLong(1), new String[] {rs.getString(2), rs.getString(3)}),
                    authorIds)) {
                avatars.put(row.getKey(), row.getValue());
            }
            for (var row : Sql.list(
                    c,
                    """
                    select post_id, count(*) filter (where value > 0), count(*) filter (where value < 0)
                    from vote where post_id = any(?) group by post_id""",
                    rs -> Map.entry(
                            rs.getLong(1), new ScoreView(rs.getLong(2), rs.getLong(3), rs.getLong(2) - rs.getLong(3))),
                    postIds)) {
                scores.put(row.getKey(), row.getValue());
            }
            for (var row : Sql.list(c, """
                    select thread_id, count(*) from post where thread_id = any(?) and deleted_at is null and held_at is null group by thread_id""", rs -> Map.entry(rs.getLong(1), rs.getLong(2)), postIds)) {
                counts.put(row.getKey(), row.getValue());
            }
            return new Facts(handles, scores, counts, avatars, pseudonyms);
        }
    }
}
