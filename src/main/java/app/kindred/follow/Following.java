package app.kindred.follow;

import app.kindred.actor.Actor;
import app.kindred.community.Community;
import app.kindred.community.CommunityStore;
import app.kindred.community.Membership;
import app.kindred.community.Participant;
import app.kindred.community.ShutOut;
import app.kindred.refusal.Refusal;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The rules for following, asked by both doors: {@link FollowService} for our members and the
 * inbound handlers for remote actors, inside the transaction that changes the follow. A broken rule
 * throws {@link Refusal}.
 */
public final class Following {
    private final ShutOut shutOut;

    public Following(CommunityStore communities) {
        this.shutOut = new ShutOut(communities);
    }

    /**
     * Who may follow a community: anyone not shut out of it (banned, or blocked with their
     * instance). A ban ends the follow, and following again must not undo it.
     */
    public void checkFollow(Connection c, Community community, Participant follower) throws SQLException {
        shutOut.refuse(c, community, follower);
    }

    /**
     * Whether a follow of this community waits for a moderator (issue 17): every follow of a private
     * community does, whoever asks and through whichever door.
     */
    public boolean waitsForModerator(Connection c, Community community) throws SQLException {
        return community.actor().local() && Membership.isPrivate(c, community.id());
    }

    /** Who may end a follow: only its follower. */
    public void checkEnd(FollowStore.Follow follow, Participant who) {
        if (follow.followerId() != who.id()) {
            throw new Refusal(
                    Refusal.Kind.FORBIDDEN,
                    null,
                    who.actor().local()
                            ? "that is not your follow"
                            : who.actor().uri() + " cannot undo someone else's follow");
        }
    }

    /** Who may answer a follow request: only the one it asked to follow (our community, through its moderators, or a remote one). */
    public void checkAnswer(FollowStore.Follow follow, Actor followed) {
        if (follow.followedId() != followed.id()) {
            throw new Refusal(Refusal.Kind.FORBIDDEN, null, followed.uri() + " answered a follow of someone else");
        }
    }
}
