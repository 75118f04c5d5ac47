package app.kindred.care;

import app.kindred.member.Member;
import app.kindred.refusal.Refusal;
import app.kindred.storage.Database;
import app.kindred.storage.Sql;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * The distance a member keeps (issue 18): members they block or mute, communities they hide. All of
 * it is private: nothing is sent to the other member or their server (no {@code Block} activity), and
 * nothing is shown to anyone but the member. What the member then sees is decided by {@link Shown}.
 */
public final class Boundaries {
    public enum Kind {
        /** Both ways: neither sees the other, the blocked one cannot reply to or notify the blocker. */
        BLOCK,
        /** One way: the member no longer sees the other's posts or notifications; nothing is refused. */
        MUTE;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Someone the member keeps at a distance, as they listed them. */
    public record Kept(long actorId, String handle, URI actorUri, boolean local, Instant since) {}

    public record HiddenCommunity(long communityId, String handle, String title, Instant since) {}

    private final Database db;
    private final Function<String, Optional<Long>> remoteActor;

    /**
     * @param remoteActor finds (fetching if need be) a remote person by handle or actor id and gives
     *                    their stored actor id; the look-up happens outside any transaction
     */
    public Boundaries(Database db, Function<String, Optional<Long>> remoteActor) {
        this.db = db;
        this.remoteActor = remoteActor;
    }

    /** Blocks or mutes a member named by handle ({@code name}, {@code name@host}, {@code @name@host}) or actor id. */
    public Kept keep(Member member, Kind kind, String who) {
        long actor = person(member, who);
        return db.transaction(c -> {
            Sql.update(
                    c,
                    "insert into member_distance (account_id, actor_id, kind) values (?, ?, ?) on conflict do nothing",
                    member.id(),
                    actor,
                    kind.wire());
            return kept(c, member, kind, actor).orElseThrow();
        });
    }

    /** Lifts a block or a mute; lifting one that is not there is no error (the outcome is the same). */
    public void release(Member member, Kind kind, long actorId) {
        db.transaction(c -> Sql.update(
                c,
                "delete from member_distance where account_id = ? and actor_id = ? and kind = ?",
                member.id(),
                actorId,
                kind.wire()));
    }

    public List<Kept> list(Member member, Kind kind) {
        return db.read(c -> Sql.list(
                c,
                """
                select a.id, a.preferred_username || '@' || a.domain, a.uri, a.local, d.created_at
                from member_distance d join actor a on a.id = d.actor_id
                where d.account_id = ? and d.kind = ? order by d.created_at desc, a.id""",
                rs -> new Kept(
                        rs.getLong(1),
                        rs.getString(2),
                        URI.create(rs.getString(3)),
                        rs.getBoolean(4),
                        Sql.instant(rs, "created_at")),
                member.id(),
                kind.wire()));
    }

    public HiddenCommunity hide(Member member, long communityId) {
        return db.transaction(c -> {
            if (Sql.count(c, "select count(*) from community where id = ?", communityId) == 0) {
                throw Refusal.notFound("there is no community " + communityId);
            }
            Sql.update(
                    c,
                    "insert into hidden_community (account_id, community_id) values (?, ?) on conflict do nothing",
                    member.id(),
                    communityId);
            return hidden(c, member).stream()
                    .filter(h -> h.communityId() == communityId)
                    .findFirst()
                    .orElseThrow();
        });
    }

    public void unhide(Member member, long communityId) {
        db.transaction(c -> Sql.update(
                c, "delete from hidden_community where account_id = ? and community_id = ?", member.id(), communityId));
    }

    public List<HiddenCommunity> hiddenCommunities(Member member) {
        return db.read(c -> hidden(c, member));
    }

    /**
     * What the member sees: whose posts are hidden from them and which communities are out of their
     * listings. Every listing (API, web feeds, search) asks this once per request.
     */
    public Shown shownTo(Member member) {
        return db.read(c -> Shown.load(c, member.id(), member.actor().id()));
    }

    /**
     * The reply rule, called by the thread feature in the reply's transaction: a member blocked by the
     * parent's author, or who blocked them, may not reply. The message does not say who blocked whom.
     */
    public static void refuseReply(Connection c, long authorActorId, long parentAuthorActorId) throws SQLException {
        if (authorActorId == parentAuthorActorId) return;
        if (blockedEitherWay(c, authorActorId, parentAuthorActorId)) {
            throw new Refusal(Refusal.Kind.FORBIDDEN, "parent", "you cannot reply to this post");
        }
    }

    /** Whether one of two actors, where it is our member, blocked the other. */
    static boolean blockedEitherWay(Connection c, long actorA, long actorB) throws SQLException {
        return Sql.count(c, """
                select count(*) from member_distance d join account acc on acc.id = d.account_id
                where d.kind = 'block' and ((acc.actor_id = ? and d.actor_id = ?) or (acc.actor_id = ? and d.actor_id = ?))""", actorA, actorB, actorB, actorA) > 0;
    }

    private long person(Member member, String who) {
        if (who == null || who.isBlank())
            throw Refusal.invalid("member", "name the member by handle (name@host) or actor id");
        var raw = who.strip();
        var handle = raw.startsWith("@") ? raw.substring(1) : raw;
        var known = db.read(c -> {
            if (handle.startsWith("https://") || handle.startsWith("http://")) {
                return Sql.one(
                        c, "select id from actor where uri = ? and type = 'Person'", rs -> rs.getLong(1), handle);
            }
            var at = handle.indexOf('@');
            if (at < 0) {
                return Sql.one(
                        c,
                        "select id from actor where local and type = 'Person' and preferred_username = ?",
                        rs -> rs.getLong(1),
                        handle.toLowerCase(Locale.ROOT));
            }
            return Sql.one(
                    c,
                    "select id from actor where type = 'Person' and lower(preferred_username) = lower(?) and lower(domain) = lower(?)",
                    rs -> rs.getLong(1),
                    handle.substring(0, at),
                    handle.substring(at + 1));
        });
        var actor = known.isPresent()
                ? known
                : handle.contains("@") || handle.startsWith("http")
                        ? remoteActor.apply(handle)
                        : Optional.<Long>empty();
        long id = actor.orElseThrow(() -> Refusal.notFound("there is no member " + raw));
        if (id == member.actor().id()) throw Refusal.invalid("member", "you cannot block or mute yourself");
        var type = db.read(c -> Sql.one(c, "select type from actor where id = ?", rs -> rs.getString(1), id))
                .orElse("");
        if (!type.equals("Person")) throw Refusal.invalid("member", raw + " is not a member; hide a community instead");
        return id;
    }

    private static Optional<Kept> kept(Connection c, Member member, Kind kind, long actor) throws SQLException {
        return Sql.one(
                c,
                """
                select a.id, a.preferred_username || '@' || a.domain, a.uri, a.local, d.created_at
                from member_distance d join actor a on a.id = d.actor_id
                where d.account_id = ? and d.kind = ? and d.actor_id = ?""",
                rs -> new Kept(
                        rs.getLong(1),
                        rs.getString(2),
                        URI.create(rs.getString(3)),
                        rs.getBoolean(4),
                        Sql.instant(rs, "created_at")),
                member.id(),
                kind.wire(),
                actor);
    }

    private static List<HiddenCommunity> hidden(Connection c, Member member) throws SQLException {
        return Sql.list(
                c,
                """
                select h.community_id, a.preferred_username || '@' || a.domain, co.title, h.created_at
                from hidden_community h join community co on co.id = h.community_id join actor a on a.id = co.actor_id
                where h.account_id = ? order by h.created_at desc, h.community_id""",
                rs -> new HiddenCommunity(
                        rs.getLong(1), rs.getString(2), rs.getString(3), Sql.instant(rs, "created_at")),
                member.id());
    }
}
