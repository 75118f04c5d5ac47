package app.kindred.community;

import app.kindred.actor.Actor;
import app.kindred.actor.ActorStore;
import app.kindred.storage.CommunityTurn;
import app.kindred.storage.Sql;
import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

public final class CommunityStore {
    private final ActorStore actors;

    public CommunityStore(ActorStore actors) {
        this.actors = actors;
    }

    private record Row(
            long id,
            long actorId,
            String title,
            String description,
            boolean sensitive,
            boolean postingRestrictedToMods,
            boolean showModeratorNames,
            Instant createdAt,
            Instant updatedAt) {}

    public long insert(Connection c, long actorId, String title, String description) throws SQLException {
        return Sql.insert(
                c,
                "insert into community (actor_id, title, description) values (?, ?, ?) returning id",
                actorId,
                title,
                description);
    }

    public void addModerator(Connection c, long communityId, long actorId) throws SQLException {
        Sql.update(
                c,
                "insert into community_moderator (community_id, actor_id) values (?, ?) on conflict do nothing",
                communityId,
                actorId);
    }

    public Optional<Community> findByName(Connection c, String name) throws SQLException {
        var actor = actors.findLocal(c, name);
        if (actor.isEmpty()) return Optional.empty();
        return byActor(c, actor.get());
    }

    public Optional<Community> findById(Connection c, long id) throws SQLException {
        return CommunityTurn.read(
                c, id, "community", x -> Sql.one(x, WITH_ACTOR + "where k.id = ?", CommunityStore::mapWithActor, id));
    }

    /** The community whose actor has this URI, local or remote; one query, as every inbound activity asks it. */
    public Optional<Community> byActorUri(Connection c, URI uri) throws SQLException {
        return CommunityTurn.find(
                c,
                new ByActorUri(uri),
                x -> Sql.one(x, WITH_ACTOR + "where a.uri = ?", CommunityStore::mapWithActor, uri.toString()),
                found -> found.map(Community::id).orElse(-1L));
    }

    private record ByActorUri(URI uri) {}

    // Community columns are renamed so that the actor's own id, name and created_at keep their names.
    private static final String WITH_ACTOR = "select " + ActorStore.columns("a") + """
            , k.id as k_id, k.title as k_title, k.description as k_description, k.sensitive as k_sensitive,
              k.posting_restricted_to_mods as k_restricted, k.show_moderator_names as k_show_names,
              k.created_at as k_created_at, k.updated_at as k_updated_at
            from community k join actor a on a.id = k.actor_id
            """;

    private static Community mapWithActor(ResultSet rs) throws SQLException {
        return new Community(
                rs.getLong("k_id"),
                ActorStore.map(rs),
                rs.getString("k_title"),
                rs.getString("k_description"),
                rs.getBoolean("k_sensitive"),
                rs.getBoolean("k_restricted"),
                rs.getBoolean("k_show_names"),
                Sql.instant(rs, "k_created_at"),
                Sql.instant(rs, "k_updated_at"));
    }

    /** A remote community gets a row the first time one of our members follows it or we store its posts. */
    public Community ensureRemote(Connection c, Actor group) throws SQLException {
        var existing = byActor(c, group);
        if (existing.isPresent()) return existing.get();
        Sql.update(
                c,
                "insert into community (actor_id, title) values (?, ?) on conflict (actor_id) do nothing",
                group.id(),
                group.name() == null || group.name().isBlank() ? group.preferredUsername() : group.name());
        return byActor(c, group).orElseThrow();
    }

    /**
     * What a moderator changes about the community, from the API or a moderator's Update{Group};
     * null leaves a setting as it is. The Group's display name follows the title.
     */
    public void updateSettings(
            Connection c,
            Community community,
            String title,
            String description,
            Boolean postingRestrictedToMods,
            Boolean showModeratorNames)
            throws SQLException {
        update(c, community.id(), title, description, null, postingRestrictedToMods, showModeratorNames);
        if (title != null)
            Sql.update(
                    c,
                    "update actor set name = ? where id = ?",
                    title,
                    community.actor().id());
    }

    public boolean removeModerator(Connection c, long communityId, long actorId) throws SQLException {
        return Sql.update(
                        c,
                        "delete from community_moderator where community_id = ? and actor_id = ?",
                        communityId,
                        actorId)
                > 0;
    }

    /** Whether a moderator's ban shuts this actor out of the community now (an expired ban no longer does). */
    public boolean isBanned(Connection c, long communityId, long actorId) throws SQLException {
        // In a community's turn, the bans of everyone the turn's posts come from are read once: the whole
        // (short) list, unless it is long, then one question per author as outside a turn.
        if (CommunityTurn.isOpen(c, communityId)) {
            var bans = CommunityTurn.read(c, communityId, "bans", x -> activeIds(x, """
                    select actor_id from community_ban where community_id = ?
                    and (expires_at is null or expires_at > now()) limit ?""", communityId));
            if (bans.isPresent()) return bans.get().contains(actorId);
        }
        return CommunityTurn.read(
                c, communityId, List.of("banned", actorId), x -> Sql.count(x, """
                select count(*) from community_ban where community_id = ? and actor_id = ?
                and (expires_at is null or expires_at > now())""", communityId, actorId) > 0);
    }

    public boolean isModerator(Connection c, long communityId, long actorId) throws SQLException {
        if (CommunityTurn.isOpen(c, communityId)) {
            var moderators = CommunityTurn.read(
                    c,
                    communityId,
                    "moderators",
                    x -> activeIds(
                            x, "select actor_id from community_moderator where community_id = ? limit ?", communityId));
            if (moderators.isPresent()) return moderators.get().contains(actorId);
        }
        return CommunityTurn.read(
                c,
                communityId,
                List.of("moderator", actorId),
                x -> Sql.count(
                                x,
                                "select count(*) from community_moderator where community_id = ? and actor_id = ?",
                                communityId,
                                actorId)
                        > 0);
    }

    /** At most this many bans or moderators are read at once for a turn; a community with more is asked per actor. */
    static final int WHOLE_LIST = 500;

    /** The actor ids the query lists for the community, or nothing when there are more than {@link #WHOLE_LIST}. */
    private static Optional<Set<Long>> activeIds(Connection c, String sql, long communityId) throws SQLException {
        var ids = Sql.list(c, sql, rs -> rs.getLong(1), communityId, WHOLE_LIST + 1);
        return ids.size() > WHOLE_LIST ? Optional.empty() : Optional.of(Set.copyOf(ids));
    }

    public Optional<Community> byActor(Connection c, Actor actor) throws SQLException {
        var row = Sql.one(
                c,
                """
                select id, actor_id, title, description, sensitive, posting_restricted_to_mods, show_moderator_names,
                       created_at, updated_at
                from community where actor_id = ?""",
                rs -> new Row(
                        rs.getLong("id"),
                        rs.getLong("actor_id"),
                        rs.getString("title"),
                        rs.getString("description"),
                        rs.getBoolean("sensitive"),
                        rs.getBoolean("posting_restricted_to_mods"),
                        rs.getBoolean("show_moderator_names"),
                        Sql.instant(rs, "created_at"),
                        Sql.instant(rs, "updated_at")),
                actor.id());
        return row.map(r -> new Community(
                r.id(),
                actor,
                r.title(),
                r.description(),
                r.sensitive(),
                r.postingRestrictedToMods(),
                r.showModeratorNames(),
                r.createdAt(),
                r.updatedAt()));
    }

    public List<Long> allIds(Connection c) throws SQLException {
        return Sql.list(
                c,
                "select c.id from community c join actor a on a.id = c.actor_id order by a.local desc, lower(c.title), c.id",
                rs -> rs.getLong(1));
    }

    /** Accepted followers we know of: for a remote community, only those on this instance. */
    public long followerCount(Connection c, long actorId) throws SQLException {
        return Sql.count(c, "select count(*) from follow where followed_id = ? and state = 'accepted'", actorId);
    }

    public long threadCount(Connection c, long communityId) throws SQLException {
        return Sql.count(
                c,
                "select count(*) from post where community_id = ? and parent_id is null and deleted_at is null"
                        + " and held_at is null and not members_only",
                communityId);
    }

    public List<Rule> rules(Connection c, long communityId) throws SQLException {
        return Sql.list(
                c,
                "select number, title, description from community_rule where community_id = ? order by number",
                rs -> new Rule(rs.getInt(1), rs.getString(2), rs.getString(3)),
                communityId);
    }

    /** The guidelines are edited as one list, so their numbers stay 1..n without gaps. */
    public void replaceRules(Connection c, long communityId, List<Rule> rules) throws SQLException {
        Sql.update(c, "delete from community_rule where community_id = ?", communityId);
        for (var rule : rules) {
            Sql.update(
                    c,
                    "insert into community_rule (community_id, number, title, description) values (?, ?, ?, ?)",
                    communityId,
                    rule.number(),
                    rule.title(),
                    rule.description());
        }
    }

    /**
     * What a remote community's origin says of it (its Group): title, description and settings. A
     * null leaves that field as it is.
     */
    public void updateProfile(
            Connection c,
            long communityId,
            String title,
            String description,
            Boolean sensitive,
            Boolean postingRestrictedToMods)
            throws SQLException {
        update(c, communityId, title, description, sensitive, postingRestrictedToMods, null);
    }

    /** The one statement behind both: each null leaves its column as it is. */
    private static void update(
            Connection c,
            long communityId,
            String title,
            String description,
            Boolean sensitive,
            Boolean postingRestrictedToMods,
            Boolean showModeratorNames)
            throws SQLException {
        Sql.update(c, """
                update community set title = coalesce(?, title), description = coalesce(?, description),
                    sensitive = coalesce(?, sensitive), posting_restricted_to_mods = coalesce(?, posting_restricted_to_mods),
                    show_moderator_names = coalesce(?, show_moderator_names), updated_at = now() where id = ?""", title, description, sensitive, postingRestrictedToMods, showModeratorNames, communityId);
    }

    /** The moderators become exactly these actors (a remote community's collection, as its origin serves it). */
    public void replaceModerators(Connection c, long communityId, List<Long> actorIds) throws SQLException {
        Sql.update(
                c,
                "delete from community_moderator where community_id = ? and not (actor_id = any (?))",
                communityId,
                c.createArrayOf("bigint", actorIds.toArray()));
        // Each a moment apart, so the list keeps the collection's order (its first is usually the creator).
        for (long actorId : actorIds) {
            Sql.update(c, """
                    insert into community_moderator (community_id, actor_id, added_at) values (?, ?, clock_timestamp())
                    on conflict do nothing""", communityId, actorId);
        }
    }

    /** Moderators on other instances: where a report about the community must also go. */
    public List<Actor> remoteModerators(Connection c, long communityId) throws SQLException {
        return Sql.list(c, "select " + ActorStore.columns("a") + """
                 from community_moderator m join actor a on a.id = m.actor_id
                where m.community_id = ? and not a.local order by m.added_at, a.id""", ActorStore::map, communityId);
    }

    /** Whether a member of this instance moderates the community (a remote one too). */
    public boolean hasLocalModerator(Connection c, long communityId) throws SQLException {
        return Sql.count(c, """
                select count(*) from community_moderator m join actor a on a.id = m.actor_id
                where m.community_id = ? and a.local""", communityId) > 0;
    }

    /** Actor ids of the community's moderators, oldest first. */
    public List<URI> moderatorUris(Connection c, long communityId) throws SQLException {
        return Sql.list(c, """
                select a.uri from community_moderator m join actor a on a.id = m.actor_id
                where m.community_id = ? order by m.added_at, a.id""", rs -> URI.create(rs.getString(1)), communityId);
    }

    /** The community's moderators, local and remote, oldest first. */
    public List<Actor> moderators(Connection c, long communityId) throws SQLException {
        return Sql.list(c, "select " + ActorStore.columns("a") + """
                 from community_moderator m join actor a on a.id = m.actor_id
                where m.community_id = ? order by m.added_at, a.id""", ActorStore::map, communityId);
    }

    /** When each community last saw a post or comment that is still up. */
    public Map<Long, Instant> lastPosts(Connection c) throws SQLException {
        var out = new HashMap<Long, Instant>();
        for (var row : Sql.list(
                c,
                "select community_id, max(published) from post where deleted_at is null and held_at is null"
                        + " group by community_id",
                rs -> Map.entry(rs.getLong(1), Sql.instant(rs, "max")))) {
            out.put(row.getKey(), row.getValue());
        }
        return out;
    }
}
