package app.kindred.follow;

import app.kindred.community.Membership;
import app.kindred.refusal.Refusal;
import app.kindred.storage.Sql;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Applications to join a private community (issue 17): a local member's answers to its questions,
 * kept beside their waiting follow until a moderator decides, and a refusal with its reason, which
 * the applicant is told. Remote followers apply by Follow alone (no server sends answers).
 */
public final class Applications {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Applications() {}

    public record Answer(String question, String answer) {}

    /** Where an application stands, for the applicant: refused (with the reason, if any) or still waiting. */
    public record Standing(Instant refusedAt, String reason) {
        public boolean refused() {
            return refusedAt != null;
        }
    }

    /** Pairs each question with its answer: every question answered, none too long. */
    static List<Answer> check(List<String> questions, List<String> answers) {
        var given = answers == null ? List.<String>of() : answers;
        if (given.size() != questions.size()) {
            throw Refusal.invalid(
                    "answers",
                    questions.isEmpty()
                            ? "this community asks no questions; send no answers"
                            : "answer each of the community's " + questions.size() + " questions, in order");
        }
        var out = new ArrayList<Answer>();
        for (int i = 0; i < questions.size(); i++) {
            var text = given.get(i) == null ? "" : given.get(i).strip();
            if (text.isEmpty() || text.length() > Membership.MAX_ANSWER)
                throw Refusal.invalid("answers", "each answer must be 1 to " + Membership.MAX_ANSWER + " characters");
            out.add(new Answer(questions.get(i), text));
        }
        return List.copyOf(out);
    }

    static void save(Connection c, long followerId, long followedId, List<Answer> answers) throws SQLException {
        var array = JsonNodeFactory.instance.arrayNode();
        for (var a : answers) array.addObject().put("question", a.question()).put("answer", a.answer());
        Sql.update(c, """
                insert into follow_application (follower_id, followed_id, answers) values (?, ?, ?::jsonb)
                on conflict (follower_id, followed_id) do update set answers = excluded.answers, refused_at = null,
                    refusal_reason = null, created_at = now()""", followerId, followedId, array.toString());
    }

    static void refuse(Connection c, long followerId, long followedId, String reason) throws SQLException {
        Sql.update(c, """
                insert into follow_application (follower_id, followed_id, refused_at, refusal_reason) values (?, ?, now(), ?)
                on conflict (follower_id, followed_id) do update set refused_at = now(), refusal_reason = excluded.refusal_reason""", followerId, followedId, reason);
    }

    static void forget(Connection c, long followerId, long followedId) throws SQLException {
        Sql.update(
                c, "delete from follow_application where follower_id = ? and followed_id = ?", followerId, followedId);
    }

    static List<Answer> answers(Connection c, long followerId, long followedId) throws SQLException {
        var json = Sql.one(
                c,
                "select answers::text from follow_application where follower_id = ? and followed_id = ?",
                rs -> rs.getString(1),
                followerId,
                followedId);
        if (json.isEmpty()) return List.of();
        try {
            var out = new ArrayList<Answer>();
            for (var a : JSON.readTree(json.get()))
                out.add(new Answer(a.path("question").asText(), a.path("answer").asText()));
            return List.copyOf(out);
        } catch (IOException e) {
            throw new SQLException("unreadable application answers", e);
        }
    }

    static Optional<Standing> standing(Connection c, long followerId, long followedId) throws SQLException {
        return Sql.one(
                c,
                "select refused_at, refusal_reason from follow_application where follower_id = ? and followed_id = ?",
                rs -> new Standing(Sql.instant(rs, "refused_at"), rs.getString(2)),
                followerId,
                followedId);
    }
}
