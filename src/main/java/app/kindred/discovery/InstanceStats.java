package app.kindred.discovery;

import app.kindred.storage.Database;
import app.kindred.storage.Sql;

/** The usage figures NodeInfo publishes, counted from the database each time they are asked for. */
public final class InstanceStats {
    private final Database db;

    public InstanceStats(Database db) {
        this.db = db;
    }

    public record Usage(long users, long activeMonth, long activeHalfyear, long localPosts, long localComments) {}

    public Usage usage() {
        return db.read(c -> new Usage(
                Sql.count(c, "select count(*) from account"),
                Sql.count(c, "select count(*) from account where last_active_at > now() - interval '30 days'"),
                Sql.count(c, "select count(*) from account where last_active_at > now() - interval '180 days'"),
                Sql.count(
                        c,
                        "select count(*) from post where local and parent_id is null and deleted_at is null and held_at is null"
                                + " and not members_only"),
                Sql.count(
                        c,
                        "select count(*) from post where local and parent_id is not null and deleted_at is null"
                                + " and held_at is null and not members_only")));
    }
}
