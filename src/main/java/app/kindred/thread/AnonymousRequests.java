package app.kindred.thread;

import app.kindred.actor.ActorStore;
import app.kindred.actor.LocalIds;
import app.kindred.care.Admission;
import app.kindred.community.Community;
import app.kindred.community.CommunityStore;
import app.kindred.community.Participant;
import app.kindred.content.HtmlSanitizer;
import app.kindred.notification.Notifications;
import app.kindred.refusal.Refusal;
import app.kindred.storage.Sql;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Anonymous posting for members of other Kindred servers (issue 17): their server sends the post
 * privately to the community with a request for anonymity, and this one publishes it as its own
 * member's would be, under the writer's pseudonym in the thread. The same rules as for our own
 * members ({@link Posting}, {@link Admission}, {@link Anonymity}) are asked here; only the words
 * arrive already as HTML (the inbound door has cleaned them).
 */
public final class AnonymousRequests {
    private final CommunityStore communities;
    private final PostStore posts;
    private final Posting posting;
    private final Admission admission;

    public AnonymousRequests(CommunityStore communities, PostStore posts) {
        this.communities = communities;
        this.posts = posts;
        this.posting = new Posting(communities, posts);
        this.admission = new Admission(communities);
    }

    /** What the writer's server sent, cleaned. {@code sourceUri} is the id it gave the post. */
    public record Words(
            String sourceUri, String title, String contentHtml, String summary, boolean sensitive, String language) {}

    /** The post published here for that source id, if there is one (a repeat, an edit, a delete). */
    public Optional<Post> published(Connection c, String sourceUri) throws SQLException {
        return Sql.one(c, "select post_id from anonymous_source where source_uri = ?", rs -> rs.getLong(1), sourceUri)
                .flatMap(id -> {
                    try {
                        return posts.findById(c, id);
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                });
    }

    /**
     * Publishes a remote member's post under their pseudonym: a thread in {@code community}, or a
     * reply to {@code parent}. Called by the inbox inside its transaction, holding the community's lock.
     */
    public Post publish(
            Connection c, Community community, Post parent, Participant writer, Words words, ThreadEvents events)
            throws SQLException {
        var anonymity = posting.anonymity();
        Long threadId = null;
        if (parent != null) {
            var thread = posting.checkReply(c, community, parent, writer);
            threadId = thread.id();
        } else {
            posting.checkThread(c, community, writer);
            if (words.title() == null || words.title().isBlank())
                throw Refusal.invalid("title", "a thread needs a title");
        }
        anonymity.check(c, community);
        var verdict = admission.admit(
                c,
                community,
                writer,
                new Admission.Writing(
                        parent == null, words.title(), HtmlSanitizer.toText(words.contentHtml()), words.summary()));
        var pseudonym = anonymity.pseudonym(c, community, threadId, writer.id());
        var base = base(community);
        var stored = posts.insert(
                        c,
                        new PostStore.NewPost(
                                URI.create(base + "/p/pending-" + UUID.randomUUID()),
                                community.id(),
                                pseudonym.id(),
                                parent == null ? null : parent.id(),
                                threadId,
                                true,
                                parent == null ? "Page" : "Note",
                                parent == null ? words.title() : null,
                                words.contentHtml(),
                                null,
                                words.summary(),
                                words.sensitive() || words.summary() != null,
                                words.language(),
                                null,
                                Instant.now(),
                                null,
                                null))
                .post();
        posts.setUri(c, stored.id(), URI.create(base + "/p/" + stored.id()));
        if (parent == null) anonymity.bind(c, pseudonym.id(), stored.id());
        Sql.update(
                c, "insert into anonymous_source (post_id, source_uri) values (?, ?)", stored.id(), words.sourceUri());
        switch (verdict) {
            case Admission.Hold hold -> posts.hold(c, stored.id(), hold.reason(), null, null);
            case Admission.Publish publish -> Notifications.localPost(c, stored.id());
        }
        var post = posts.findById(c, stored.id()).orElseThrow();
        if (!post.held()) events.created(c, pseudonym, post, community);
        return post;
    }

    /** The writer edits what was published for them: the same checks as our members' edits; sent as the pseudonym. */
    public Post edit(Connection c, Post post, Participant writer, Words words, ThreadEvents events)
            throws SQLException {
        var community = communities.findById(c, post.communityId()).orElseThrow();
        posting.checkEdit(c, community, post, writer);
        posts.update(
                c,
                post.id(),
                post.isThread() ? words.title() : null,
                words.contentHtml(),
                null,
                words.summary(),
                words.sensitive() || words.summary() != null,
                Instant.now());
        var updated = posts.findById(c, post.id()).orElseThrow();
        if (!updated.held())
            events.edited(c, actors(community).findById(c, post.authorId()).orElseThrow(), updated, community);
        return updated;
    }

    /** The writer deletes what was published for them. */
    public void delete(Connection c, Post post, Participant writer, ThreadEvents events) throws SQLException {
        var community = communities.findById(c, post.communityId()).orElseThrow();
        posting.checkDelete(c, post, writer);
        posts.tombstone(c, post.id());
        if (!post.held())
            events.deleted(
                    c,
                    actors(community).findById(c, post.authorId()).orElseThrow(),
                    posts.findById(c, post.id()).orElseThrow(),
                    community);
    }

    private static URI base(Community community) {
        var uri = community.actor().uri();
        return URI.create(uri.getScheme() + "://" + uri.getRawAuthority());
    }

    private static ActorStore actors(Community community) {
        return new ActorStore(new LocalIds(base(community)));
    }
}
