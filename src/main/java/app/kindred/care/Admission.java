package app.kindred.care;

import app.kindred.community.Community;
import app.kindred.community.CommunityStore;
import app.kindred.community.Moderators;
import app.kindred.community.Participant;
import app.kindred.refusal.Refusal;
import app.kindred.storage.CommunityTurn;
import app.kindred.storage.Sql;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Whether a post goes out, waits for a moderator, or is refused: the community's content-warning
 * policy and its pre-moderation, written once and asked by both doors (ThreadService for our
 * members, the inbound Create and Update handlers for remote ones) in the transaction that stores
 * the post, holding the community's lock.
 *
 * <p>Our member breaking the policy is refused (a 422 naming the warning to add), in our
 * communities and in a remote one whose Group publishes a policy, before anything is sent. A
 * remote post breaking it is held: stored, shown to its author and the moderators only, announced
 * once a moderator approves it. Where this instance does not decide (a remote post in a remote
 * community) everything is published: the community's home already decided.
 */
public final class Admission {
    private final Moderators moderators;

    public Admission(CommunityStore communities) {
        this.moderators = new Moderators(communities);
    }

    /** What a post says, as the policy reads it: plain text, and the author's own warning. */
    public record Writing(boolean thread, String title, String text, String warning) {}

    public sealed interface Verdict {}

    public record Publish() implements Verdict {}

    /** Stored but not shown or sent; the reason is for the moderators and the author. */
    public record Hold(String reason) implements Verdict {}

    public static final Verdict PUBLISH = new Publish();

    /** A new thread or comment. */
    public Verdict admit(Connection c, Community community, Participant author, Writing writing) throws SQLException {
        if (!author.decidedHere(community)) return PUBLISH;
        var care = CommunityCare.load(c, community.id());
        var policy = checkPolicy(community, author, writing, care);
        if (policy instanceof Hold) return policy;
        // Pre-moderation is the community's home's to apply; our member's post to a remote community waits there.
        if (!community.actor().local()) return PUBLISH;
        if (care.hold() == HoldPosts.NONE || moderators.moderates(c, community, author)) return PUBLISH;
        return switch (care.hold()) {
            case NONE -> PUBLISH;
            case ALL -> new Hold("every post in this community waits for a moderator");
            case REMOTE ->
                author.actor().local()
                        ? PUBLISH
                        : new Hold("posts from other servers wait for a moderator in this community");
            case NEW_MEMBERS ->
                published(c, community.id(), author.id()) < care.holdFirstPosts()
                        ? new Hold("the first " + care.holdFirstPosts()
                                + " posts of each member wait for a moderator in this community")
                        : PUBLISH;
        };
    }

    /**
     * A comment: as {@link #admit}, and held whatever else applies when it answers a post that is itself
     * waiting for a moderator (only a remote reply gets that far; Posting refuses our members').
     */
    public Verdict admitReply(
            Connection c, Community community, Participant author, Writing writing, boolean parentHeld)
            throws SQLException {
        var verdict = admit(c, community, author, writing);
        if (verdict instanceof Hold || !parentHeld) return verdict;
        return new Hold("it replies to a post that is waiting for a moderator");
    }

    /** An edit: only the policy applies (pre-moderation judged the post once, when it arrived). */
    public Verdict admitEdit(Connection c, Community community, Participant author, Writing writing)
            throws SQLException {
        if (!author.decidedHere(community)) return PUBLISH;
        return checkPolicy(community, author, writing, CommunityCare.load(c, community.id()));
    }

    private static Verdict checkPolicy(Community community, Participant author, Writing writing, CommunityCare care) {
        var breach = care.policy().check(writing.thread(), writing.title(), writing.text(), writing.warning());
        if (breach.isEmpty()) return PUBLISH;
        if (author.actor().local())
            throw Refusal.invalid("content_warning", breach.get().reason());
        return new Hold("content warning missing: " + breach.get().warningToAdd());
    }

    /** Posts of the author in the community that went out (not held, not deleted by them). */
    private static long published(Connection c, long communityId, long authorId) throws SQLException {
        // The community's turn may have saved up this author's posts of the turn to insert later: counted too.
        CommunityTurn.settle(c);
        return Sql.count(
                c,
                "select count(*) from post where community_id = ? and author_id = ? and held_at is null",
                communityId,
                authorId);
    }
}
