package app.kindred.community;

import app.kindred.refusal.Refusal;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The one rule for who moderates a community, asked by every act that needs a moderator (removing,
 * locking, pinning, banning, editing the community, posting where only moderators post, replying in
 * a locked thread) on both doors: its moderators as stored here; in our own communities also this
 * instance's admins (who speak for this instance, so only in its own communities); in a remote
 * community also whoever its home names as a moderator.
 */
public final class Moderators {
    private final CommunityStore communities;

    public Moderators(CommunityStore communities) {
        this.communities = communities;
    }

    public boolean moderates(Connection c, Community community, Participant who) throws SQLException {
        return communities.isModerator(c, community.id(), who.id())
                || who.admin() && community.actor().local()
                || !community.actor().local() && who.vouchedModerator();
    }

    /** Refuses anyone who does not moderate the community. */
    public void require(Connection c, Community community, Participant who) throws SQLException {
        if (!moderates(c, community, who)) {
            // Our member reads it in the app; the inbox's record names who and where.
            throw new Refusal(
                    Refusal.Kind.FORBIDDEN,
                    null,
                    who.actor().local()
                            ? "only moderators of " + community.title() + " can do this"
                            : who.actor().uri() + " is not a moderator of "
                                    + community.actor().uri());
        }
    }
}
