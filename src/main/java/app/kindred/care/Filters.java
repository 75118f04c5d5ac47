package app.kindred.care;

import app.kindred.member.Member;
import app.kindred.refusal.Refusal;
import app.kindred.storage.Database;
import app.kindred.storage.Sql;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A member's filters: words and phrases whose posts they would rather not see, hidden or collapsed
 * in every listing they read ({@link Shown} carries them), until an expiry. Private to the member.
 */
public final class Filters {
    public static final int MAX_FILTERS = 100, MAX_KEYWORDS = 50, MAX_TEXT = 100;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Database db;
    private final Clock clock;

    public Filters(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** What a member asks for; {@code expiresIn} null: until they delete it. */
    public record Draft(
            String title, MemberFilter.Action action, List<MemberFilter.Keyword> keywords, Duration expiresIn) {}

    /** Every filter of the member, expired ones too (they say when they ended), newest first. */
    public List<MemberFilter> list(Member member) {
        return db.read(c -> Sql.list(
                c,
                "select id, title, action, keywords::text, expires_at from member_filter where account_id = ?"
                        + " order by id desc",
                Filters::map,
                member.id()));
    }

    public MemberFilter add(Member member, Draft draft) {
        var title = draft.title() == null ? "" : draft.title().strip();
        if (title.isEmpty() || title.length() > MAX_TEXT)
            throw Refusal.invalid("title", "a filter needs a title of 1 to " + MAX_TEXT + " characters");
        if (draft.action() == null) throw Refusal.invalid("action", "action must be hide or collapse");
        if (draft.keywords().isEmpty() || draft.keywords().size() > MAX_KEYWORDS)
            throw Refusal.invalid("keywords", "a filter has 1 to " + MAX_KEYWORDS + " keywords");
        var keywords = JSON.createArrayNode();
        for (var k : draft.keywords()) {
            var word = k.keyword() == null ? "" : k.keyword().strip();
            if (word.isEmpty() || word.length() > MAX_TEXT)
                throw Refusal.invalid("keywords", "each keyword is 1 to " + MAX_TEXT + " characters");
            keywords.addObject().put("keyword", word).put("whole_word", k.wholeWord());
        }
        if (draft.expiresIn() != null
                && (draft.expiresIn().isNegative() || draft.expiresIn().isZero()))
            throw Refusal.invalid("expires_in", "a filter ends in the future");
        Instant expiresAt = draft.expiresIn() == null ? null : clock.instant().plus(draft.expiresIn());
        return db.transaction(c -> {
            if (Sql.count(c, "select count(*) from member_filter where account_id = ?", member.id()) >= MAX_FILTERS)
                throw Refusal.conflict("title", "you have " + MAX_FILTERS + " filters; delete one first");
            return Sql.one(
                            c,
                            "insert into member_filter (account_id, title, action, keywords, expires_at)"
                                    + " values (?, ?, ?, ?::jsonb, ?)"
                                    + " returning id, title, action, keywords::text, expires_at",
                            Filters::map,
                            member.id(),
                            title,
                            draft.action().wire(),
                            keywords.toString(),
                            expiresAt)
                    .orElseThrow();
        });
    }

    public void remove(Member member, long id) {
        int removed = db.transaction(
                c -> Sql.update(c, "delete from member_filter where id = ? and account_id = ?", id, member.id()));
        if (removed == 0) throw Refusal.notFound("you have no filter " + id);
    }

    /** The member's filters in force now, for {@link Shown}. */
    static List<MemberFilter> active(Connection c, long accountId) throws SQLException {
        return Sql.list(
                c,
                "select id, title, action, keywords::text, expires_at from member_filter where account_id = ?"
                        + " and (expires_at is null or expires_at > now()) order by id",
                Filters::map,
                accountId);
    }

    private static MemberFilter map(ResultSet rs) throws SQLException {
        var keywords = new ArrayList<MemberFilter.Keyword>();
        JsonNode list;
        try {
            list = JSON.readTree(rs.getString(4));
        } catch (IOException e) {
            throw new SQLException("member_filter " + rs.getLong(1) + " has unreadable keywords", e);
        }
        for (var k : list)
            keywords.add(new MemberFilter.Keyword(
                    k.path("keyword").asText(), k.path("whole_word").asBoolean(true)));
        return new MemberFilter(
                rs.getLong(1),
                rs.getString(2),
                MemberFilter.Action.valueOf(rs.getString(3).toUpperCase(java.util.Locale.ROOT)),
                List.copyOf(keywords),
                Sql.instant(rs, "expires_at"));
    }
}
