package app.kindred.report;

import app.kindred.actor.Actor;
import app.kindred.actor.ActorStore;
import app.kindred.community.CommunityStore;
import app.kindred.member.Member;
import app.kindred.member.Role;
import app.kindred.refusal.Refusal;
import app.kindred.storage.Database;
import app.kindred.storage.Sql;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * Moderators can stop a member from filing wellbeing concerns when concerns are being used to
 * harass someone: in their community, or (admins) anywhere on the instance. The member can still
 * report anything else. Nothing is sent to other servers.
 */
public final class ConcernStops {
    static final int MAX_REASON = 500;

    private final Database db;
    private final CommunityStore communities;
    private final ActorStore actors;

    public ConcernStops(Database db, CommunityStore communities, ActorStore actors) {
        this.db = db;
        this.communities = communities;
        this.actors = actors;
    }

    /** One stop: the member, the community it applies to (null: everywhere here), why, and when. */
    public record Stop(URI member, Long communityId, String reason, Instant createdAt) {}

    /** Whether this reporter may not file a wellbeing concern about content in this community (null: none). */
    static boolean stopped(Connection c, long reporterActorId, Long communityId) throws SQLException {
        return Sql.count(
                        c,
                        "select count(*) from concern_stop where actor_id = ? and (community_id is null or community_id = ?)",
                        reporterActorId,
                        communityId)
                > 0;
    }

    /**
     * Stops a member filing wellbeing concerns.
     *
     * @param communityId the community, for its moderators; null for the instance, admins only
     * @param member      a local username, or a remote actor's URI
     */
    public Stop stop(Member moderator, Long communityId, String member, String reason) {
        var why = reason == null ? "" : reason.strip();
        if (why.length() > MAX_REASON)
            throw Refusal.invalid("reason", "the reason must be at most " + MAX_REASON + " characters");
        return db.transaction(c -> {
            checkMay(c, moderator, communityId);
            var who = person(c, member);
            if (who.id() == moderator.actor().id()) throw Refusal.invalid("member", "that is you");
            Sql.update(c, """
                    insert into concern_stop (actor_id, community_id, stopped_by, reason) values (?, ?, ?, ?)
                    on conflict (actor_id, coalesce(community_id, 0)) do update set reason = excluded.reason""", who.id(), communityId, moderator.actor().id(), why);
            return list(c, communityId).stream()
                    .filter(s -> s.member().equals(who.uri()))
                    .findFirst()
                    .orElseThrow();
        });
    }

    /** Lets the member file wellbeing concerns again; false when they were not stopped. */
    public boolean lift(Member moderator, Long communityId, String member) {
        return db.transaction(c -> {
            checkMay(c, moderator, communityId);
            var who = person(c, member);
            return Sql.update(
                            c,
                            "delete from concern_stop where actor_id = ? and community_id is not distinct from ?",
                            who.id(),
                            communityId)
                    > 0;
        });
    }

    public List<Stop> list(Member moderator, Long communityId) {
        return db.read(c -> {
            checkMay(c, moderator, communityId);
            return list(c, communityId);
        });
    }

    private static List<Stop> list(Connection c, Long communityId) throws SQLException {
        return Sql.list(
                c,
                """
                select a.uri, s.community_id, s.reason, s.created_at from concern_stop s join actor a on a.id = s.actor_id
                where s.community_id is not distinct from ? order by s.created_at, s.id""",
                rs -> new Stop(
                        URI.create(rs.getString(1)),
                        (Long) rs.getObject(2),
                        rs.getString(3),
                        Sql.instant(rs, "created_at")),
                communityId);
    }

    private void checkMay(Connection c, Member moderator, Long communityId) throws SQLException {
        if (moderator.role() == Role.ADMIN) {
            if (communityId != null && communities.findById(c, communityId).isEmpty())
                throw Refusal.notFound("there is no community " + communityId);
            return;
        }
        if (communityId == null
                || !communities.isModerator(c, communityId, moderator.actor().id())) {
            throw new Refusal(
                    Refusal.Kind.FORBIDDEN,
                    null,
                    communityId == null
                            ? "only admins can stop a member's concerns everywhere"
                            : "only the community's moderators can do this");
        }
    }

    private Actor person(Connection c, String ref) throws SQLException {
        if (ref == null || ref.isBlank()) throw Refusal.invalid("member", "name the member");
        var r = ref.strip();
        var actor = r.startsWith("http://") || r.startsWith("https://")
                ? actors.findByUri(c, URI.create(r))
                : actors.findLocal(c, r.startsWith("@") ? r.substring(1) : r);
        return actor.orElseThrow(() -> Refusal.invalid("member", "there is no member " + r + " known here"));
    }
}
