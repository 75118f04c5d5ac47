package app.kindred.policy;

import app.kindred.actor.DomainPattern;
import app.kindred.follow.FollowStore;
import app.kindred.refusal.Refusal;
import app.kindred.storage.Database;
import app.kindred.storage.Sql;
import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * A community shutting out one instance or one remote actor without the whole instance doing so:
 * their follows, posts, comments, votes and reports into that community are refused, and their
 * existing follows of it end ({@code FollowStore.end}), so nothing it sends later is delivered to them.
 */
public final class CommunityBlocks {
    public enum Kind {
        DOMAIN,
        ACTOR
    }

    public record Block(long communityId, String target, Kind kind, String reason) {}

    private final Database db;

    public CommunityBlocks(Database db) {
        this.db = db;
    }

    /** target: a domain (example.com, host:port, *.host) or an actor's URL. Returns how many follows were removed. */
    public int block(long communityId, String target, String reason, String moderator) {
        var text = target == null ? "" : target.strip();
        boolean actor = text.startsWith("https://") || text.startsWith("http://");
        var normalised =
                actor ? URI.create(text).toString() : DomainPattern.parse(text).toString();
        return db.inCommunity(communityId, c -> {
            Sql.update(c, """
                    insert into community_block (community_id, target, kind, reason) values (?, ?, ?, ?)
                    on conflict (community_id, target) do update set reason = excluded.reason""", communityId, normalised, actor ? "actor" : "domain", reason == null ? "" : reason);
            var followers = Sql.list(
                    c,
                    """
                    select a.id, a.uri, a.domain, cm.actor_id from follow f join community cm on cm.actor_id = f.followed_id
                    join actor a on a.id = f.follower_id where cm.id = ? and not a.local""",
                    rs -> new Object[] {rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4)},
                    communityId);
            int removed = 0;
            for (var f : followers) {
                boolean hit = actor
                        ? normalised.equals(f[1])
                        : DomainPattern.parse(normalised).covers((String) f[2]);
                if (hit) removed += FollowStore.end(c, (long) f[0], (long) f[3], FollowStore.Ending.SHUT_OUT);
            }
            PolicyService.audit(
                    c,
                    moderator,
                    "community.block",
                    communityId + ":" + normalised,
                    reason,
                    "{\"follows_removed\":" + removed + "}");
            return removed;
        });
    }

    public void unblock(long communityId, String target, String moderator) {
        db.inCommunity(communityId, c -> {
            var t = target.startsWith("http")
                    ? target
                    : DomainPattern.parse(target).toString();
            if (Sql.update(c, "delete from community_block where community_id = ? and target = ?", communityId, t)
                    == 0) {
                throw Refusal.notFound(target + " is not blocked in this community");
            }
            PolicyService.audit(c, moderator, "community.unblock", communityId + ":" + t, "", "{}");
            return null;
        });
    }

    public List<Block> list(long communityId) {
        return db.read(c -> Sql.list(
                c,
                "select community_id, target, kind, reason from community_block where community_id = ? order by target",
                rs -> new Block(
                        rs.getLong(1),
                        rs.getString(2),
                        Kind.valueOf(rs.getString(3).toUpperCase(Locale.ROOT)),
                        rs.getString(4)),
                communityId));
    }
}
