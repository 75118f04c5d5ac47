package app.kindred.community;

import app.kindred.actor.Actor;
import app.kindred.actor.DomainPattern;
import app.kindred.refusal.Refusal;
import app.kindred.storage.CommunityTurn;
import app.kindred.storage.Sql;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Who is shut out of a community: banned from it, or blocked by it (them, or their instance). One
 * rule for taking part and for following, through either door.
 */
public final class ShutOut {
    private final CommunityStore communities;

    public ShutOut(CommunityStore communities) {
        this.communities = communities;
    }

    /** Refuses someone banned from the community, or shut out by its block of their instance or of them. */
    public void refuse(Connection c, Community community, Participant who) throws SQLException {
        if (!who.decidedHere(community)) return;
        if (communities.isBanned(c, community.id(), who.id())) {
            throw new Refusal(
                    Refusal.Kind.FORBIDDEN,
                    null,
                    who.actor().local()
                            ? "you are banned from " + community.title() + "; its moderation log says why"
                            : who.actor().uri() + " is banned from "
                                    + community.actor().uri());
        }
        if (community.actor().local() && blocks(c, community.id(), who.actor())) {
            throw new Refusal(
                    Refusal.Kind.FORBIDDEN,
                    null,
                    who.actor().local()
                            ? "you cannot take part in " + community.title()
                            : who.actor().uri() + " is blocked in "
                                    + community.actor().uri());
        }
    }

    /** Whether this community has shut this actor out, by its own URL or by its instance. */
    public static boolean blocks(Connection c, long communityId, Actor actor) throws SQLException {
        var targets = CommunityTurn.read(
                c,
                communityId,
                "blocks",
                x -> Sql.list(
                        x,
                        "select target, kind from community_block where community_id = ?",
                        rs -> new String[] {rs.getString(1), rs.getString(2)},
                        communityId));
        for (var t : targets) {
            if (t[1].equals("actor")
                    ? t[0].equals(actor.uri().toString())
                    : DomainPattern.parse(t[0]).covers(actor.domain())) {
                return true;
            }
        }
        return false;
    }
}
