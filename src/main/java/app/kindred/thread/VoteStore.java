package app.kindred.thread;

import app.kindred.storage.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/** Votes: one per actor per post, replaced by a new vote, removed by Undo. */
public final class VoteStore {
    public record Score(long up, long down) {
        public long total() {
            return up - down;
        }
    }

    public record Vote(long postId, long actorId, int value, String activityUri) {}

    public void put(Connection c, long postId, long actorId, int value, String activityUri) throws SQLException {
        Sql.update(c, """
                insert into vote (post_id, actor_id, value, activity_uri) values (?, ?, ?, ?)
                on conflict (post_id, actor_id) do update set value = excluded.value, activity_uri = excluded.activity_uri,
                    created_at = now()""", postId, actorId, (short) value, activityUri);
    }

    public int remove(Connection c, long postId, long actorId) throws SQLException {
        return Sql.update(c, "delete from vote where post_id = ? and actor_id = ?", postId, actorId);
    }

    public Optional<Vote> findByActivity(Connection c, String activityUri) throws SQLException {
        return Sql.one(
                c,
                "select post_id, actor_id, value, activity_uri from vote where activity_uri = ?",
                rs -> new Vote(rs.getLong(1), rs.getLong(2), rs.getInt(3), rs.getString(4)),
                activityUri);
    }

    public Optional<Vote> find(Connection c, long postId, long actorId) throws SQLException {
        return Sql.one(
                c,
                "select post_id, actor_id, value, activity_uri from vote where post_id = ? and actor_id = ?",
                rs -> new Vote(rs.getLong(1), rs.getLong(2), rs.getInt(3), rs.getString(4)),
                postId,
                actorId);
    }

    public Score score(Connection c, long postId) throws SQLException {
        return Sql.one(c, """
                select count(*) filter (where value > 0), count(*) filter (where value < 0) from vote where post_id = ?""", rs -> new Score(rs.getLong(1), rs.getLong(2)), postId)
                .orElse(new Score(0, 0));
    }
}
