package app.kindred.report;

import app.kindred.actor.Actor;
import app.kindred.community.Community;
import app.kindred.community.Membership;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Which servers a report about a private community's content may describe it to (issue 17), the one
 * rule every Flag we send goes through. A Flag names the reported post and carries the reporters'
 * words, which often quote it: told to a server that may not read the community, both would reveal
 * what only its members may read. So a server is told what was reported only when it may read it:
 * the content is public, or the server is the community's own, or (for one of our communities) it
 * has an approved follower, the same test signed fetches pass ({@link Membership#serverIsMember}).
 * Of a remote private community we cannot know the followers, so only its own server is told.
 */
final class FlagReaders {
    private FlagReaders() {}

    /** Whether {@code recipient}'s server may be told which post was reported and what the reporters said. */
    static boolean mayRead(Connection c, Community community, Actor recipient) throws SQLException {
        if (community == null || !Membership.isPrivate(c, community.id())) return true;
        var host = recipient.uri().getRawAuthority();
        if (host.equalsIgnoreCase(community.actor().uri().getRawAuthority())) return true;
        return community.actor().local() && Membership.serverIsMember(c, community, host);
    }
}
