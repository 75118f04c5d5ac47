package app.kindred.care;

import app.kindred.storage.CommunityTurn;
import app.kindred.storage.Sql;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * A community's care settings as stored: its content-warning policy, what it holds for a
 * moderator, and its crisis resources; and the instance's own crisis resources. For a remote
 * community the policy and resources are what its Group publishes.
 *
 * @param holdFirstPosts how many first posts of each member {@link HoldPosts#NEW_MEMBERS} holds
 */
public record CommunityCare(WarningPolicy policy, HoldPosts hold, int holdFirstPosts, List<CrisisResource> resources) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static CommunityCare load(Connection c, long communityId) throws SQLException {
        return CommunityTurn.read(c, communityId, "care", x -> loadNow(x, communityId));
    }

    private static CommunityCare loadNow(Connection c, long communityId) throws SQLException {
        return Sql.one(
                        c,
                        "select content_warning_policy::text, hold_posts, hold_first_posts, crisis_resources::text"
                                + " from community where id = ?",
                        rs -> new CommunityCare(
                                WarningPolicy.read(rs.getString(1)),
                                HoldPosts.valueOf(rs.getString(2).toUpperCase(java.util.Locale.ROOT)),
                                rs.getObject(3) == null ? HoldPosts.DEFAULT_FIRST_POSTS : rs.getInt(3),
                                CrisisResource.read(tree(rs.getString(4)))),
                        communityId)
                .orElseThrow();
    }

    /** Null leaves a setting as it is. */
    public static void update(
            Connection c, long communityId, WarningPolicy policy, HoldPosts hold, Integer holdFirstPosts)
            throws SQLException {
        Sql.update(
                c,
                """
                update community set content_warning_policy = coalesce(?::jsonb, content_warning_policy),
                       hold_posts = coalesce(?, hold_posts), hold_first_posts = coalesce(?, hold_first_posts),
                       updated_at = case when ? then now() else updated_at end
                where id = ?""",
                policy == null ? null : policy.toJson().toString(),
                hold == null ? null : hold.wire(),
                holdFirstPosts,
                policy != null || hold != null || holdFirstPosts != null,
                communityId);
    }

    public static void setResources(Connection c, long communityId, List<CrisisResource> resources)
            throws SQLException {
        Sql.update(
                c,
                "update community set crisis_resources = ?::jsonb, updated_at = now() where id = ?",
                CrisisResource.toJson(resources).toString(),
                communityId);
    }

    /** A remote community's policy and resources as its Group published them. */
    public static void published(Connection c, long communityId, WarningPolicy policy, List<CrisisResource> resources)
            throws SQLException {
        Sql.update(
                c,
                "update community set content_warning_policy = ?::jsonb, crisis_resources = ?::jsonb where id = ?",
                policy.toJson().toString(),
                CrisisResource.toJson(resources).toString(),
                communityId);
    }

    public static List<CrisisResource> instanceResources(Connection c) throws SQLException {
        return Sql.one(
                        c,
                        "select resources::text from instance_crisis_resources where id = 1",
                        rs -> CrisisResource.read(tree(rs.getString(1))))
                .orElse(List.of());
    }

    public static void setInstanceResources(Connection c, List<CrisisResource> resources) throws SQLException {
        Sql.update(c, """
                insert into instance_crisis_resources (id, resources) values (1, ?::jsonb)
                on conflict (id) do update set resources = excluded.resources, updated_at = now()""", CrisisResource.toJson(resources).toString());
    }

    private static com.fasterxml.jackson.databind.JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
