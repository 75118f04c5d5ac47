package app.kindred.community;

import app.kindred.actor.Actor;
import app.kindred.member.Member;
import app.kindred.member.Role;

/**
 * Whoever does something in a community, through either door: one of our members (through the
 * API, with their role) or a remote actor (through the inbox). The rules take this, so they give
 * the same answer to the same act whichever door it came through.
 *
 * @param admin an admin of this instance, who moderates its own communities
 * @param vouchedModerator a remote community's home says this actor moderates it (its origin, or
 *     its moderators collection lists them), read from the network before the transaction
 */
public record Participant(Actor actor, boolean admin, boolean vouchedModerator) {

    public static Participant member(Member member) {
        return new Participant(member.actor(), member.role() == Role.ADMIN, false);
    }

    public static Participant remote(Actor actor) {
        return new Participant(actor, false, false);
    }

    /** A remote actor whom the remote community's home names as its moderator (or who speaks from that home). */
    public static Participant remote(Actor actor, boolean vouchedModerator) {
        return new Participant(actor, false, vouchedModerator);
    }

    public long id() {
        return actor.id();
    }

    /**
     * Whether this instance decides whether the act is allowed: in our own communities, and for our
     * own members anywhere (we check before sending). A remote actor's act in a remote community
     * was decided at the community's home, which announced it; we only mirror it.
     */
    public boolean decidedHere(Community community) {
        return community.actor().local() || actor.local();
    }
}
