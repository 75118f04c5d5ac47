package app.kindred.thread;

import app.kindred.actor.Actor;
import app.kindred.actor.ActorStore;
import app.kindred.actor.LocalIds;
import app.kindred.care.Admission;
import app.kindred.care.Boundaries;
import app.kindred.community.Community;
import app.kindred.community.CommunityStore;
import app.kindred.community.Participant;
import app.kindred.content.Markdown;
import app.kindred.media.Media;
import app.kindred.media.MediaService;
import app.kindred.member.Member;
import app.kindred.notification.Notifications;
import app.kindred.ratelimit.RateLimits;
import app.kindred.ratelimit.RateLimits.Limit;
import app.kindred.refusal.Refusal;
import app.kindred.storage.Database;
import app.kindred.storage.Sql;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** Threads, comments and votes by our members, in local and remote communities. */
public final class ThreadService {

    private final Database db;
    private final PostStore posts;
    private final VoteStore votes;
    private final CommunityStore communities;
    private final ThreadEvents events;
    private final URI base;
    private final Markdown markdown = new Markdown();
    private static final ObjectMapper JSON = new ObjectMapper();
    private final MediaService media;
    private final Posting posting;
    private final ActorStore actors;
    private final Admission admission;
    /** Taken here, not in a route, so the API and the web pages count against the same limits. */
    private final RateLimits limits;

    public ThreadService(
            Database db,
            PostStore posts,
            VoteStore votes,
            CommunityStore communities,
            ThreadEvents events,
            URI base,
            RateLimits limits,
            MediaService media) {
        this.media = media;
        this.db = db;
        this.limits = limits;
        this.posts = posts;
        this.votes = votes;
        this.communities = communities;
        this.events = events;
        this.base = base;
        this.posting = new Posting(communities, posts);
        this.actors = new ActorStore(new LocalIds(base));
        this.admission = new Admission(communities);
    }

    /** The content-warning policy and pre-moderation, asked by both doors as {@link #posting()} is. */
    public Admission admission() {
        return admission;
    }

    /** The rules both doors ask: this service for our members, the inbound handlers for remote actors. */
    public Posting posting() {
        return posting;
    }

    /** What a member writes: Markdown, with an optional content warning. */
    public record Draft(String title, String body, String contentWarning, Boolean sensitive, String language) {}

    /** What a thread may carry besides words: a link (http or https) and uploaded images, by id. */
    public record Attachments(String url, List<Long> media) {
        public static final Attachments NONE = new Attachments(null, List.of());
    }

    public Post startThread(Member author, long communityId, Draft draft) {
        return startThread(author, communityId, draft, Attachments.NONE);
    }

    public Post startThread(Member author, long communityId, Draft draft, Attachments attachments) {
        return startThread(author, communityId, draft, attachments, false);
    }

    /** {@code anonymous}: published under the author's pseudonym in the new thread (issue 17, {@link Anonymity}). */
    public Post startThread(Member author, long communityId, Draft draft, Attachments attachments, boolean anonymous) {
        // Within the limit: a thread refused (422) or not stored (503) uses up nothing.
        return limits.within(
                Limit.THREAD,
                RateLimits.memberKey(author.id()),
                () -> startThreadNow(author, communityId, draft, attachments, anonymous));
    }

    private Post startThreadNow(
            Member author, long communityId, Draft draft, Attachments attachments, boolean anonymous) {
        var url = link(attachments.url());
        var title = draft.title() == null ? "" : draft.title().strip();
        if (title.isEmpty() || title.length() > PostLimits.TITLE)
            throw Refusal.invalid("title", "title must be 1 to " + PostLimits.TITLE + " characters");
        checkBody(draft, true);
        return db.inCommunity(communityId, c -> {
            var community = communities
                    .findById(c, communityId)
                    .orElseThrow(() -> Refusal.notFound("there is no community " + communityId));
            posting.checkThread(c, community, Participant.member(author));
            var verdict = admission.admit(
                    c,
                    community,
                    Participant.member(author),
                    new Admission.Writing(true, title, draft.body(), warning(draft)));
            var images = media.forPost(c, author.actor().id(), attachments.media());
            var anonymity = posting.anonymity();
            // Issue 17: in a community elsewhere, its own server publishes the post under the pseudonym.
            boolean elsewhere = anonymous && !community.actor().local();
            if (anonymous && !elsewhere) anonymity.check(c, community);
            var writer = anonymous && !elsewhere
                    ? anonymity.pseudonym(c, community, null, author.actor().id())
                    : author.actor();
            var post = insertLocal(
                    c,
                    writer,
                    community,
                    null,
                    null,
                    title,
                    draft,
                    url,
                    extras(images),
                    elsewhere ? sentAnonymously(community) : verdict);
            if (anonymous && !elsewhere) anonymity.bind(c, writer.id(), post.id());
            media.attach(c, post.id(), images);
            if (elsewhere) return requestAnonymity(c, author, post, community);
            if (!post.held()) events.created(c, writer, post, community);
            return post;
        });
    }

    public Post comment(Member author, long parentId, Draft draft) {
        return comment(author, parentId, draft, Attachments.NONE);
    }

    /** A comment may carry images (the same rules as a thread's) but no link of its own. */
    public Post comment(Member author, long parentId, Draft draft, Attachments attachments) {
        return comment(author, parentId, draft, attachments, false);
    }

    /** {@code anonymous}: under the author's pseudonym in this thread, the same one each time (issue 17). */
    public Post comment(Member author, long parentId, Draft draft, Attachments attachments, boolean anonymous) {
        return limits.within(
                Limit.COMMENT,
                RateLimits.memberKey(author.id()),
                () -> commentNow(author, parentId, draft, attachments, anonymous));
    }

    private Post commentNow(Member author, long parentId, Draft draft, Attachments attachments, boolean anonymous) {
        if (attachments.url() != null && !attachments.url().isBlank())
            throw Refusal.invalid("url", "a comment carries no link of its own; put it in the text");
        checkBody(draft, false);
        return db.inCommunity(communityOfPost(parentId), c -> {
            var parent =
                    posts.findById(c, parentId).orElseThrow(() -> Refusal.notFound("there is no post " + parentId));
            var community = communities.findById(c, parent.communityId()).orElseThrow();
            posting.checkReply(c, community, parent, Participant.member(author));
            // Our member only: a remote reply across a block is kept for the thread (refusing it would tell them).
            // Against the parent's pseudonym, not its writer: a refusal would tell who is behind it (issue 17).
            Boundaries.refuseReply(c, author.actor().id(), parent.authorId());
            var verdict = admission.admit(
                    c,
                    community,
                    Participant.member(author),
                    new Admission.Writing(false, null, draft.body(), warning(draft)));
            var images = media.forPost(c, author.actor().id(), attachments.media());
            long threadId = parent.threadId() == null ? parent.id() : parent.threadId();
            var anonymity = posting.anonymity();
            boolean elsewhere = anonymous && !community.actor().local();
            if (anonymous && !elsewhere) anonymity.check(c, community);
            var writer = anonymous && !elsewhere
                    ? anonymity.pseudonym(c, community, threadId, author.actor().id())
                    : author.actor();
            var post = insertLocal(
                    c,
                    writer,
                    community,
                    parent.id(),
                    threadId,
                    null,
                    draft,
                    null,
                    extras(images),
                    elsewhere ? sentAnonymously(community) : verdict);
            media.attach(c, post.id(), images);
            if (elsewhere) return requestAnonymity(c, author, post, community);
            if (!post.held()) events.created(c, writer, post, community);
            return post;
        });
    }

    public Post edit(Member editor, long postId, Draft draft) {
        return edit(editor, postId, draft, null);
    }

    /**
     * An edit of the words and, when {@code attachments} is not null, of the link and images too: the
     * images listed are the post's from now on, in that order; uploads left out are removed with their files.
     */
    public Post edit(Member editor, long postId, Draft draft, Attachments attachments) {
        var url = attachments == null ? null : link(attachments.url());
        // The published copy of our member's anonymous post elsewhere is edited through their own copy (issue 17).
        long own = db.read(c ->
                        posting.anonymity().heldCopyOf(c, postId, editor.actor().id()))
                .orElse(postId);
        if (own != postId) return edit(editor, own, draft, attachments);
        var result = db.inCommunity(communityOfPost(postId), c -> {
            var post = post(c, postId);
            var community = communities.findById(c, post.communityId()).orElseThrow();
            posting.checkEdit(c, community, post, Participant.member(editor));
            // Only a thread may have an empty body, whether or not the edit touches its title.
            checkBody(draft, post.isThread());
            if (!post.isThread() && draft.title() != null) throw Refusal.invalid("title", "a comment has no title");
            if (post.isThread()
                    && draft.title() != null
                    && (draft.title().isBlank() || draft.title().length() > PostLimits.TITLE)) {
                throw Refusal.invalid("title", "title must be 1 to " + PostLimits.TITLE + " characters");
            }
            var warning = warning(draft);
            // Our member is refused here; a held post stays held and goes out only when approved.
            admission.admitEdit(
                    c,
                    community,
                    Participant.member(editor),
                    new Admission.Writing(
                            post.isThread(),
                            draft.title() != null ? draft.title() : post.title(),
                            draft.body(),
                            warning));
            posts.update(
                    c,
                    post.id(),
                    post.isThread() ? draft.title() : null,
                    html(draft.body()),
                    draft.body(),
                    warning,
                    warning != null || Boolean.TRUE.equals(draft.sensitive()),
                    Instant.now());
            if (attachments != null) {
                if (!post.isThread() && url != null)
                    throw Refusal.invalid("url", "a comment carries no link of its own; put it in the text");
                var images = media.forPost(c, editor.actor().id(), attachments.media(), post.id());
                media.reattach(c, post.id(), images);
                posts.setLinkAndImages(c, post.id(), url, attachmentsJson(images));
            }
            // Someone newly named in the edit is told; whoever was told before is not told again.
            Notifications.localPost(c, post.id());
            var updated = posts.findById(c, post.id()).orElseThrow();
            if (posting.anonymity().sentElsewhere(c, post.id())) {
                events.sentAnonymously(c, editor.actor(), updated, community, ThreadEvents.AnonymousChange.EDITED);
                return updated;
            }
            if (updated.held()) return updated;
            events.edited(c, writer(c, updated), updated, community);
            return updated;
        });
        // Images taken out of the post go once the edit is committed.
        if (attachments != null) media.purgeFiles();
        return result;
    }

    /** The ids of the uploads a post shows, in order: what an edit keeps when it does not name them. */
    public List<Long> mediaOf(long postId) {
        return db.read(c -> media.idsOfPost(c, postId));
    }

    public void delete(Member member, long postId) {
        long own = db.read(c ->
                        posting.anonymity().heldCopyOf(c, postId, member.actor().id()))
                .orElse(postId);
        if (own != postId) {
            delete(member, own);
            return;
        }
        db.inCommunity(communityOfPost(postId), c -> {
            var post = post(c, postId);
            posting.checkDelete(c, post, Participant.member(member));
            posts.tombstone(c, post.id());
            media.postDeleted(c, post.id());
            // A held post was never sent: its deletion is not either.
            boolean anonymousElsewhere = posting.anonymity().sentElsewhere(c, post.id());
            if (anonymousElsewhere || !post.held()) {
                var tombstone = posts.findById(c, post.id()).orElseThrow();
                var community = communities.findById(c, post.communityId()).orElseThrow();
                if (anonymousElsewhere) {
                    events.sentAnonymously(
                            c, member.actor(), tombstone, community, ThreadEvents.AnonymousChange.DELETED);
                } else {
                    events.deleted(c, writer(c, post), tombstone, community);
                }
            }
            return null;
        });
        // Files go once the delete is committed: a rollback must not leave a post without its images.
        media.purgeFiles();
    }

    /** +1, -1, or 0 to take a vote back. */
    public VoteStore.Score vote(Member voter, long postId, int value) {
        return limits.within(Limit.VOTE, RateLimits.memberKey(voter.id()), () -> voteNow(voter, postId, value));
    }

    private VoteStore.Score voteNow(Member voter, long postId, int value) {
        return db.inCommunity(communityOfPost(postId), c -> {
            var post = post(c, postId);
            var community = communities.findById(c, post.communityId()).orElseThrow();
            posting.checkVote(c, community, post, Participant.member(voter), value);
            var previous = votes.find(c, post.id(), voter.actor().id());
            if (value == 0) {
                if (previous.isPresent()) {
                    votes.remove(c, post.id(), voter.actor().id());
                    events.unvoted(
                            c, voter.actor(), post, community, previous.get().value());
                }
            } else if (previous.map(v -> v.value() != value).orElse(true)) {
                votes.put(c, post.id(), voter.actor().id(), value, null);
                events.voted(c, voter.actor(), post, community, value);
            }
            return votes.score(c, post.id());
        });
    }

    /** Whether the member wrote the post, under their own name or a pseudonym (issue 17). */
    public boolean wrote(Member member, Post post) {
        return db.read(c -> posting.anonymity().wrote(c, post, Participant.member(member)));
    }

    /** Whether the community takes anonymous posts (issue 17). */
    public boolean anonymousPosting(long communityId) {
        return db.read(c -> posting.anonymity().allowed(c, communityId));
    }

    /** The ids of the communities that take anonymous posts (for a directory, in one query). */
    public Set<Long> anonymousCommunities() {
        return db.read(
                c -> Set.copyOf(Sql.list(c, "select id from community where anonymous_posting", rs -> rs.getLong(1))));
    }

    /** A moderator lets members post anonymously, or stops it; what was posted stays as it was published. */
    public void setAnonymousPosting(Member moderator, long communityId, boolean allowed) {
        db.inCommunity(communityId, c -> {
            var community = communities
                    .findById(c, communityId)
                    .orElseThrow(() -> Refusal.notFound("there is no community " + communityId));
            posting.anonymity().setAllowed(c, community, Participant.member(moderator), allowed);
            return null;
        });
    }

    public Optional<Post> find(long id) {
        return db.read(c -> posts.findById(c, id));
    }

    public List<Post> threads(long communityId, PostStore.Sort sort, int limit, int offset) {
        return db.read(c -> posts.threads(c, communityId, sort, limit, offset));
    }

    public List<Post> comments(long threadId) {
        return db.read(c -> posts.comments(c, threadId));
    }

    public VoteStore.Score score(long postId) {
        return db.read(c -> votes.score(c, postId));
    }

    /** Our copy of a post sent elsewhere to be published anonymously: held, so only its writer ever sees it here. */
    private static Admission.Hold sentAnonymously(Community community) {
        return new Admission.Hold("sent privately to " + community.title() + " ("
                + community.actor().domain() + ") to be published there anonymously; only you see this copy");
    }

    private Post requestAnonymity(Connection c, Member author, Post post, Community community) throws SQLException {
        posting.anonymity().markSentElsewhere(c, post.id());
        events.sentAnonymously(c, author.actor(), post, community, ThreadEvents.AnonymousChange.CREATED);
        return post;
    }

    /** Who a post goes out as: its author's own actor, or the pseudonym it was published under. */
    private Actor writer(Connection c, Post post) throws SQLException {
        return actors.findById(c, post.authorId()).orElseThrow();
    }

    private Post insertLocal(
            Connection c,
            Actor author,
            Community community,
            Long parentId,
            Long threadId,
            String title,
            Draft draft,
            String url,
            String extras,
            Admission.Verdict verdict)
            throws SQLException {
        var warning = warning(draft);
        var pending = URI.create(base + "/p/pending-" + UUID.randomUUID());
        var post = posts.insert(
                        c,
                        new PostStore.NewPost(
                                pending,
                                community.id(),
                                author.id(),
                                parentId,
                                threadId,
                                true,
                                parentId == null ? "Page" : "Note",
                                title,
                                html(draft.body()),
                                draft.body(),
                                warning,
                                warning != null || Boolean.TRUE.equals(draft.sensitive()),
                                language(draft.language()),
                                url,
                                Instant.now(),
                                null,
                                extras))
                .post();
        posts.setUri(c, post.id(), URI.create(base + "/p/" + post.id()));
        switch (verdict) {
            // Nobody is told of a held post until a moderator lets it through.
            case Admission.Hold hold -> posts.hold(c, post.id(), hold.reason(), null, null);
            case Admission.Publish publish -> Notifications.localPost(c, post.id());
        }
        return posts.findById(c, post.id()).orElseThrow();
    }

    /** A post's community, which never changes: its lock is taken before the post is read again and checked. */
    private long communityOfPost(long postId) {
        return db.read(c -> posts.findById(c, postId))
                .orElseThrow(() -> Refusal.notFound("there is no post " + postId))
                .communityId();
    }

    private Post post(Connection c, long postId) throws SQLException {
        return posts.findById(c, postId).orElseThrow(() -> Refusal.notFound("there is no post " + postId));
    }

    private static void checkBody(Draft draft, boolean mayBeEmpty) {
        var body = draft.body() == null ? "" : draft.body();
        if (!mayBeEmpty && body.isBlank()) throw Refusal.invalid("body", "a comment needs some text");
        if (body.length() > PostLimits.BODY)
            throw Refusal.invalid("body", "body must be at most " + PostLimits.BODY + " characters");
        if (draft.contentWarning() != null && draft.contentWarning().length() > PostLimits.WARNING) {
            throw Refusal.invalid(
                    "content_warning", "a content warning must be at most " + PostLimits.WARNING + " characters");
        }
    }

    /** The body as HTML, within the limit remote posts meet too: Markdown can render to far more than it is (nested quotes). */
    private String html(String body) {
        var html = markdown.toHtml(body);
        if (html.length() > PostLimits.HTML) {
            throw Refusal.invalid(
                    "body", "body renders to more than " + PostLimits.HTML + " characters of HTML; shorten it");
        }
        return html;
    }

    /** A link post's address: absolute http(s) with a host, nothing a page would run. */
    private static String link(String url) {
        if (url == null || url.isBlank()) return null;
        var u = url.strip();
        if (u.length() > PostLimits.URL)
            throw Refusal.invalid("url", "url must be at most " + PostLimits.URL + " characters");
        try {
            var uri = new URI(u);
            var scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) return uri.toASCIIString();
        } catch (URISyntaxException e) {
            // refused below
        }
        throw Refusal.invalid("url", "url must be a web address starting with https:// or http://");
    }

    /**
     * Uploaded images are kept in the post's extras in the same shape as other servers' attachments,
     * so the API, the pages and federation read one list for local and remote posts alike.
     */
    private String extras(List<Media> images) {
        var extras = JSON.createObjectNode();
        extras.set("attachments", attachments(images));
        return extras.toString();
    }

    private String attachmentsJson(List<Media> images) {
        return attachments(images).toString();
    }

    private ArrayNode attachments(List<Media> images) {
        var list = JSON.createArrayNode();
        for (var m : images) {
            list.addObject()
                    .put("type", "Image")
                    .put("href", media.url(m))
                    .put("name", m.alt())
                    .put("mediaType", m.contentType())
                    .put("width", m.width())
                    .put("height", m.height())
                    .put("media_id", m.id());
        }
        return list;
    }

    private static String warning(Draft draft) {
        return draft.contentWarning() == null || draft.contentWarning().isBlank()
                ? null
                : draft.contentWarning().strip();
    }

    private static String language(String language) {
        if (language == null || language.isBlank()) return null;
        if (!language.matches("[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*")) {
            throw Refusal.invalid("language", "language must be a tag like en or pt-BR");
        }
        return language;
    }
}
