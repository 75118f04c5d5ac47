package app.kindred.care;

import app.kindred.storage.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What one member sees, read once per request: the people hidden from them (blocked either way, or
 * muted by them), the communities they hid, and the breaks they are on. Listings ask it about each
 * post; the rule is here once, whichever page or route lists.
 *
 * @param blocked         actors the member blocked, and our members who blocked them
 * @param muted           actors the member muted
 * @param hidden          communities the member hid from their cross-community listings
 * @param onBreakFrom     communities the member is taking a break from
 * @param onInstanceBreak whether the member is taking a break from the whole instance
 * @param filters         the member's filters in force (issue 16): words whose posts are hidden or collapsed
 */
public record Shown(
        Set<Long> blocked,
        Set<Long> muted,
        Set<Long> hidden,
        Set<Long> onBreakFrom,
        boolean onInstanceBreak,
        List<MemberFilter> filters) {
    /** What a visitor who is not signed in sees: everything. */
    public static final Shown EVERYTHING = new Shown(Set.of(), Set.of(), Set.of(), Set.of(), false, List.of());

    /**
     * The first of the member's filters that a post's words match (its title, its text, its content
     * warning), if any: a hiding one keeps the post out of listings, a collapsing one puts it behind
     * a warning naming the filter.
     */
    public Optional<MemberFilter> filter(String title, String text, String warning) {
        for (var f : filters) if (f.matches(title, text, warning)) return Optional.of(f);
        return Optional.empty();
    }

    /** Whether a listing leaves the post out for this member: one of their hiding filters matches it. */
    public boolean filtersOut(String title, String text, String warning) {
        return filter(title, text, warning)
                .filter(f -> f.action() == MemberFilter.Action.HIDE)
                .isPresent();
    }

    /** Why an author's posts are collapsed for this member: "blocked" or "muted"; empty when they are shown. */
    public Optional<String> collapses(long authorActorId) {
        if (blocked.contains(authorActorId)) return Optional.of("blocked");
        if (muted.contains(authorActorId)) return Optional.of("muted");
        return Optional.empty();
    }

    /** Whether a community's posts reach this member at all (a break keeps them out of every listing). */
    public boolean reaches(long communityId) {
        return !onInstanceBreak && !onBreakFrom.contains(communityId);
    }

    /**
     * The rule for listings that span communities (search, the web's "all" and "local" feeds): not a
     * hidden community, not one the member is on a break from, not a blocked or muted author.
     */
    public boolean listsAcross(long communityId, long authorActorId) {
        return reaches(communityId)
                && !hidden.contains(communityId)
                && collapses(authorActorId).isEmpty();
    }

    /** The rule for one community's own listing: its posts by members not blocked or muted, unless on a break. */
    public boolean listsIn(long communityId, long authorActorId) {
        return reaches(communityId) && collapses(authorActorId).isEmpty();
    }

    static Shown load(Connection c, long accountId, long actorId) throws SQLException {
        var blocked = Set.copyOf(Sql.list(c, """
                select actor_id from member_distance where account_id = ? and kind = 'block'
                union
                select acc.actor_id from member_distance d join account acc on acc.id = d.account_id
                where d.kind = 'block' and d.actor_id = ?""", rs -> rs.getLong(1), accountId, actorId));
        var muted = Set.copyOf(Sql.list(
                c,
                "select actor_id from member_distance where account_id = ? and kind = 'mute'",
                rs -> rs.getLong(1),
                accountId));
        var hidden = Set.copyOf(Sql.list(
                c, "select community_id from hidden_community where account_id = ?", rs -> rs.getLong(1), accountId));
        var breaks = Sql.list(
                c,
                "select coalesce(community_id, 0) from member_break where account_id = ? and " + Breaks.ACTIVE,
                rs -> rs.getLong(1),
                accountId);
        boolean instance = breaks.contains(0L);
        return new Shown(
                blocked,
                muted,
                hidden,
                Set.copyOf(breaks.stream().filter(id -> id != 0L).toList()),
                instance,
                Filters.active(c, accountId));
    }
}
