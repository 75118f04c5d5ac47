package app.kindred.care;

import app.kindred.member.Member;
import app.kindred.refusal.Refusal;
import app.kindred.storage.Database;
import app.kindred.storage.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Breaks (issue 18): a member steps away from one community or the whole instance for a day, a week,
 * or until they come back. During one, that community's posts are out of their listings and
 * notifications, and pages greet them with a note instead. Private: never shown to anyone else, never federated.
 */
public final class Breaks {
    /** The SQL condition of a break still running, on a {@code member_break} row. */
    static final String ACTIVE = "(ends_at is null or ends_at > now())";

    public enum Length {
        DAY(Duration.ofDays(1)),
        WEEK(Duration.ofDays(7)),
        UNTIL_I_COME_BACK(null);

        private final Duration duration;

        Length(Duration duration) {
            this.duration = duration;
        }

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Length of(String wire) {
            for (var l : values()) if (l.wire().equals(wire)) return l;
            throw Refusal.invalid("length", "length must be day, week or until_i_come_back");
        }
    }

    /**
     * A break the member is on.
     *
     * @param communityId the community, or null for the whole instance
     * @param endsAt      null until the member comes back
     */
    public record Break(
            long id,
            Long communityId,
            String communityHandle,
            String communityTitle,
            Instant startedAt,
            Instant endsAt) {}

    private final Database db;
    private final Clock clock;

    public Breaks(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** Starts a break, or changes the length of the one already running from the same place. */
    public Break take(Member member, Long communityId, Length length) {
        var now = clock.instant();
        var ends = length.duration == null ? null : now.plus(length.duration);
        return db.transaction(c -> {
            if (communityId != null && Sql.count(c, "select count(*) from community where id = ?", communityId) == 0) {
                throw Refusal.notFound("there is no community " + communityId);
            }
            // An ended break's row is replaced, so a break taken again starts afresh.
            Sql.update(
                    c,
                    "delete from member_break where account_id = ? and coalesce(community_id, 0) = ?",
                    member.id(),
                    communityId == null ? 0L : communityId);
            long id = Sql.insert(c, """
                    insert into member_break (account_id, community_id, started_at, ends_at) values (?, ?, ?, ?) returning id""", member.id(), communityId, now, ends);
            return active(c, member.id()).stream()
                    .filter(b -> b.id() == id)
                    .findFirst()
                    .orElseThrow();
        });
    }

    /** Ends a break at once ("one click to leave"); ending one that is over or gone is no error. */
    public void end(Member member, long breakId) {
        db.transaction(
                c -> Sql.update(c, "delete from member_break where account_id = ? and id = ?", member.id(), breakId));
    }

    /** The breaks the member is on now, the whole-instance one first: the pages greet them with these. */
    public List<Break> activeFor(Member member) {
        return db.read(c -> active(c, member.id()));
    }

    /** The break that keeps a community's content from the member now (its own or the whole instance's). */
    public Optional<Break> from(Member member, long communityId) {
        return activeFor(member).stream()
                .filter(b -> b.communityId() == null || b.communityId() == communityId)
                .findFirst();
    }

    private static List<Break> active(Connection c, long accountId) throws SQLException {
        return Sql.list(
                c,
                """
                select b.id, b.community_id, a.preferred_username || '@' || a.domain, co.title, b.started_at, b.ends_at
                from member_break b left join community co on co.id = b.community_id left join actor a on a.id = co.actor_id
                where b.account_id = ? and (b.ends_at is null or b.ends_at > now())
                order by b.community_id nulls first, b.id""",
                rs -> new Break(
                        rs.getLong(1),
                        (Long) rs.getObject(2),
                        rs.getString(3),
                        rs.getString(4),
                        Sql.instant(rs, "started_at"),
                        Sql.instant(rs, "ends_at")),
                accountId);
    }
}
