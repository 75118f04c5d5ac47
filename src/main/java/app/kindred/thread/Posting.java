package app.kindred.thread;

import app.kindred.community.Community;
import app.kindred.community.CommunityStore;
import app.kindred.community.Membership;
import app.kindred.community.Moderators;
import app.kindred.community.Participant;
import app.kindred.community.ShutOut;
import app.kindred.refusal.Refusal;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The rules for taking part in a community, each written once and asked by both doors: the API
 * ({@link ThreadService}, our members) and the inbound handlers (remote actors), inside the
 * transaction that makes the change, holding the community's lock. Each refuses with a
 * {@link Refusal}, which the API renders as a problem and the inbox records as the rejection reason.
 */
public final class Posting {
    private final ShutOut shutOut;
    private final PostStore posts;
    private final Moderators moderators;
    private final CommunityStore communities;
    private final Anonymity anonymity;

    public Posting(CommunityStore communities, PostStore posts) {
        this.communities = communities;
        this.anonymity = new Anonymity(communities);
        this.posts = posts;
        this.moderators = new Moderators(communities);
        this.shutOut = new ShutOut(communities);
    }

    /** Who may start a thread: not someone banned or blocked; where only moderators post, a moderator. */
    public void checkThread(Connection c, Community community, Participant author) throws SQLException {
        shutOut.refuse(c, community, author);
        Membership.refuseOutsider(c, community, author);
        if (author.decidedHere(community)
                && community.postingRestrictedToMods()
                && !moderators.moderates(c, community, author)) {
            throw new Refusal(
                    Refusal.Kind.FORBIDDEN,
                    null,
                    author.actor().local()
                            ? "only moderators start threads in " + community.title()
                            : author.actor().uri() + " is not a moderator of "
                                    + community.actor().uri() + ", where only moderators post");
        }
    }

    /**
     * Who may reply, and to what: a parent that is still there, in a thread that is not locked (its
     * moderators may still say why it was locked, as in Lemmy), by someone not banned or blocked.
     * Returns the parent's thread.
     */
    public Post checkReply(Connection c, Community community, Post parent, Participant author) throws SQLException {
        if (parent.communityId() != community.id()) {
            throw Refusal.conflict(
                    "parent", parent.uri() + " is not in " + community.actor().uri());
        }
        if (parent.deleted())
            throw Refusal.conflict("parent", "that post was deleted; it takes no new comments (" + parent.uri() + ")");
        // A remote reply to a held post is held with it (Admission.admitReply): its server may have shown the
        // post, and refusing would lose the reply. Our own members are told to wait.
        if (parent.held() && author.actor().local()) {
            throw Refusal.conflict(
                    "parent",
                    "that post is waiting for a moderator; it takes comments once approved (" + parent.uri() + ")");
        }
        if (parent.removed()) {
            throw Refusal.conflict(
                    "parent", "a moderator removed that post; it takes no new comments (" + parent.uri() + ")");
        }
        var thread = parent.isThread()
                ? parent
                : posts.findById(c, parent.threadId()).orElseThrow();
        if (thread.locked() && !moderators.moderates(c, community, author)) {
            throw Refusal.conflict(
                    "parent",
                    author.actor().local()
                            ? "a moderator locked this thread; it takes no new comments"
                            : "reply to " + parent.uri() + " in a locked thread");
        }
        shutOut.refuse(c, community, author);
        Membership.refuseOutsider(c, community, author);
        return thread;
    }

    /** Who may vote (value 0 takes a vote back, which stays theirs to do, as deleting their post does). */
    public void checkVote(Connection c, Community community, Post post, Participant voter, int value)
            throws SQLException {
        if (value < -1 || value > 1) throw Refusal.invalid("value", "a vote is 1 (up), -1 (down) or 0 (take it back)");
        if (post.deleted()) throw Refusal.conflict("post", "that post was deleted (" + post.uri() + ")");
        if (post.held() && value != 0)
            throw Refusal.conflict("post", "that post is waiting for a moderator (" + post.uri() + ")");
        if (value != 0) shutOut.refuse(c, community, voter);
        // Votes name their voter to other servers (some list them): one's own anonymous post would be signed.
        if (value != 0 && anonymity.wrote(c, post, voter) && post.authorId() != voter.id()) {
            throw Refusal.conflict(
                    "post",
                    "you wrote this anonymously; a vote from you would show other servers who wrote it, so it is not taken");
        }
        if (value != 0) Membership.refuseOutsider(c, community, voter);
    }

    /** Only the author edits, not after deleting it, and not once banned: a ban stops someone rewriting what they left. */
    public void checkEdit(Connection c, Community community, Post post, Participant editor) throws SQLException {
        checkOwn(c, post, editor);
        shutOut.refuse(c, community, editor);
    }

    /** Only the author deletes (a moderator's removal is another act); banned or not, taking one's words back is theirs. */
    public void checkDelete(Connection c, Post post, Participant deleter) throws SQLException {
        checkOwn(c, post, deleter);
    }

    /** Who knows who wrote an anonymous post, and who is behind a pseudonym (issue 17). */
    public Anonymity anonymity() {
        return anonymity;
    }

    /**
     * Who may read a post: anyone, unless it is held for a moderator; then only its author and the
     * community's moderators ({@code reader} null: someone not signed in, or another server).
     */
    public boolean sees(Connection c, Post post, Participant reader) throws SQLException {
        // Private communities (issue 17): what was written for members is read by members only.
        if (Membership.membersOnly(c, post.id())
                && !Membership.isMember(
                        c, communities.findById(c, post.communityId()).orElseThrow(), reader)) return false;
        if (!post.held()) return true;
        if (reader == null) return false;
        return anonymity.wrote(c, post, reader) || moderatesCommunityOf(c, post, reader);
    }

    public boolean moderatesCommunityOf(Connection c, Post post, Participant who) throws SQLException {
        return moderators.moderates(
                c, communities.findById(c, post.communityId()).orElseThrow(), who);
    }

    /** Whether this participant moderates the community (for what moderators may do beyond the rules above). */
    public boolean moderates(Connection c, Community community, Participant who) throws SQLException {
        return moderators.moderates(c, community, who);
    }

    /** The author, under their own name or a pseudonym: an anonymous post stays theirs to edit and delete. */
    private void checkOwn(Connection c, Post post, Participant who) throws SQLException {
        if (!anonymity.wrote(c, post, who)) {
            throw new Refusal(
                    Refusal.Kind.FORBIDDEN,
                    null,
                    who.actor().local()
                            ? "only the author can edit or delete this post"
                            : who.actor().uri() + " is not the author of " + post.uri());
        }
        if (post.deleted()) throw Refusal.conflict("post", "that post was deleted (" + post.uri() + ")");
    }
}
