package app.kindred.audit;

import app.kindred.storage.Database;
import app.kindred.storage.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * Every act an admin takes (a block, a suspension, a role changed, a password reset, a retry), who
 * took it, when and why. Each act writes its line in its own transaction, so the log never claims
 * what did not happen.
 */
public final class AuditLog {
    private final Database db;

    public AuditLog(Database db) {
        this.db = db;
    }

    /** One line of the log; {@code details} is JSON, as written by the act. */
    public record Entry(
            long id, String actor, String action, String target, String reason, String details, Instant at) {}

    /** Writes one line, in the caller's transaction. */
    public static void record(Connection c, String actor, String action, String target, String reason, String details)
            throws SQLException {
        Sql.update(
                c,
                "insert into audit_log (actor, action, target, reason, details) values (?, ?, ?, ?, ?::jsonb)",
                actor,
                action,
                target,
                reason == null ? "" : reason,
                details == null ? "{}" : details);
    }

    /** The newest lines first, at most {@code limit}. */
    public List<Entry> recent(int limit) {
        return db.read(c -> Sql.list(
                c,
                """
                select id, actor, action, target, reason, details::text, created_at from audit_log
                order by id desc limit ?""",
                rs -> new Entry(
                        rs.getLong(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getString(6),
                        Sql.instant(rs, "created_at")),
                limit));
    }
}
