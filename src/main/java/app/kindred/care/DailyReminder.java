package app.kindred.care;

import app.kindred.member.Member;
import app.kindred.refusal.Refusal;
import app.kindred.storage.Database;
import app.kindred.storage.Sql;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * A gentle daily reminder (issue 18): after a time the member chooses, the pages say calmly how long
 * they have been here today. Off unless chosen. Time is estimated from page views (each adds the time
 * since the previous one, at most {@link #MOST_PER_VIEW}); only today's total and the last view's
 * time are kept, one row per member, replaced the next day: no browsing history, nothing anyone else
 * sees, nothing federated.
 */
public final class DailyReminder {
    public static final Duration MOST_PER_VIEW = Duration.ofMinutes(5);
    public static final int FEWEST_MINUTES = 5, MOST_MINUTES = 1440;

    /** Today as the reminder sees it: minutes spent, the member's choice (null: off), whether to remind. */
    public record Today(int minutes, Integer afterMinutes, boolean due) {}

    private final Database db;
    private final Clock clock;

    public DailyReminder(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** Sets the time after which the member is reminded; null turns the reminder off (and forgets today). */
    public Today choose(Member member, Integer afterMinutes) {
        if (afterMinutes != null && (afterMinutes < FEWEST_MINUTES || afterMinutes > MOST_MINUTES)) {
            throw Refusal.invalid(
                    "after_minutes",
                    "after_minutes must be from " + FEWEST_MINUTES + " to " + MOST_MINUTES
                            + " (a day), or null to turn it off");
        }
        db.transaction(c -> {
            Sql.update(c, "update account set reminder_after_minutes = ? where id = ?", afterMinutes, member.id());
            if (afterMinutes == null) Sql.update(c, "delete from daily_use where account_id = ?", member.id());
            return null;
        });
        return today(member);
    }

    public Today today(Member member) {
        var day = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        return db.read(c -> Sql.one(
                        c,
                        """
                        select a.reminder_after_minutes, coalesce(u.seconds, 0) from account a
                        left join daily_use u on u.account_id = a.id and u.day = ?
                        where a.id = ?""",
                        rs -> {
                            Integer after = rs.getObject(1) == null ? null : rs.getInt(1);
                            int minutes = rs.getInt(2) / 60;
                            return new Today(minutes, after, after != null && minutes >= after);
                        },
                        day,
                        member.id())
                .orElse(new Today(0, null, false)));
    }

    /** Whether the member chose a reminder at all. */
    public boolean chosen(Member member) {
        return db.read(c -> Sql.count(
                        c,
                        "select count(*) from account where id = ? and reminder_after_minutes is not null",
                        member.id()))
                > 0;
    }

    /**
     * Counts a page view, when the member chose a reminder, and says how many minutes they have spent
     * today once that passes their time. One statement; nothing happens for a member who did not choose.
     */
    public Optional<Integer> viewed(Member member) {
        var now = clock.instant();
        var day = LocalDate.ofInstant(now, ZoneOffset.UTC);
        // Bookkeeping: a view counted must not end the pages kept for others (issue 14).
        return db.bookkeeping(c -> Sql.one(
                        c, """
                insert into daily_use (account_id, day, seconds, last_view_at)
                select id, ?, 0, ? from account where id = ? and reminder_after_minutes is not null
                on conflict (account_id) do update set
                    seconds = case when daily_use.day = excluded.day
                                   then daily_use.seconds + least(?, greatest(0, extract(epoch from excluded.last_view_at - daily_use.last_view_at)::integer))
                                   else 0 end,
                    day = excluded.day,
                    last_view_at = excluded.last_view_at
                returning seconds / 60, (select reminder_after_minutes from account where id = daily_use.account_id)""", rs -> rs.getInt(1) >= rs.getInt(2) ? rs.getInt(1) : -1, day, now, member.id(), (int)
                                MOST_PER_VIEW.toSeconds()))
                .filter(minutes -> minutes >= 0);
    }
}
