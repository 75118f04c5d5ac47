package app.kindred.thread;

import app.kindred.actor.Actor;
import app.kindred.actor.ActorName;
import app.kindred.actor.ActorStore;
import app.kindred.actor.ActorType;
import app.kindred.actor.LocalIds;
import app.kindred.actor.LocalKeys;
import app.kindred.community.Community;
import app.kindred.community.CommunityStore;
import app.kindred.community.Moderators;
import app.kindred.community.Participant;
import app.kindred.refusal.Refusal;
import app.kindred.storage.Sql;
import java.net.URI;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Anonymous posting (issue 17), the one place that knows who wrote an anonymous post. A post is
 * stored under a pseudonym: an actor of the community's own, one per author per thread ("Anonymous
 * member 1", "Anonymous member 2" ...), with its own keys, which other servers display like any
 * person. Everything that shows an author therefore shows the pseudonym without knowing it is one;
 * the real author is told only to the community's moderators (and so this instance's admins) and to
 * the author themselves, through {@link #disclosure}. The API, the pages and the inbox all come here.
 */
public final class Anonymity {
    /** A pseudonym's display name; the number is its order of first appearance in the thread. */
    public static final String NAME = "Anonymous member ";

    private static final SecureRandom RANDOM = new SecureRandom();
    private final CommunityStore communities;
    private final Moderators moderators;

    public Anonymity(CommunityStore communities) {
        this.communities = communities;
        this.moderators = new Moderators(communities);
    }

    /** Our actors' store, its addresses taken from the community's own (only ours take anonymous posts). */
    private static ActorStore actors(Community community) {
        var uri = community.actor().uri();
        return new ActorStore(new LocalIds(URI.create(uri.getScheme() + "://" + uri.getRawAuthority())));
    }

    /** A pseudonym: whose, where, and its number in its thread. */
    public record Pseudonym(long actorId, long communityId, Long threadId, int number, long authorId) {
        public String name() {
            return NAME + number;
        }
    }

    /**
     * What a reader is told about an anonymous post: always the pseudonym; {@code yours} for its
     * author; {@code writtenBy} (a handle) only for the community's moderators and this instance's admins.
     */
    public record Disclosure(String pseudonym, boolean yours, String writtenBy) {}

    /** Whether the community lets members post anonymously (only communities of this instance can). */
    public boolean allowed(Connection c, long communityId) throws SQLException {
        return Sql.one(c, "select anonymous_posting from community where id = ?", rs -> rs.getBoolean(1), communityId)
                .orElse(false);
    }

    /** Moderators turn anonymous posting on or off; posts already written stay as they were published. */
    public void setAllowed(Connection c, Community community, Participant by, boolean allowed) throws SQLException {
        moderators.require(c, community, by);
        if (!community.actor().local()) {
            throw Refusal.conflict(
                    "anonymous_posting", "only the community's own server decides whether it takes anonymous posts");
        }
        Sql.update(c, "update community set anonymous_posting = ? where id = ?", allowed, community.id());
    }

    /**
     * Who may post anonymously: a member of this community's own server, or of another Kindred
     * server that asked for anonymity on their behalf, where the community allows it.
     */
    public void check(Connection c, Community community) throws SQLException {
        if (!community.actor().local()) {
            throw Refusal.conflict(
                    "anonymous",
                    "anonymous posting is only possible in communities of this server for now; " + community.title()
                            + " lives on " + community.actor().domain());
        }
        if (!allowed(c, community.id())) {
            throw Refusal.conflict("anonymous", community.title() + " does not take anonymous posts");
        }
    }

    /**
     * The author's pseudonym in a thread, made on their first anonymous post there. For a new thread
     * ({@code threadId} null) the pseudonym is number 1 and is tied to the thread by {@link #bind}
     * once the thread's row exists. Called holding the community's lock, so numbers never collide.
     */
    public Actor pseudonym(Connection c, Community community, Long threadId, long authorActorId) throws SQLException {
        if (threadId != null) {
            var known = Sql.one(
                    c,
                    "select actor_id from pseudonym where thread_id = ? and author_id = ?",
                    rs -> rs.getLong(1),
                    threadId,
                    authorActorId);
            if (known.isPresent())
                return actors(community).findById(c, known.get()).orElseThrow();
        }
        int number = threadId == null
                ? 1
                : (int) Sql.count(
                        c, "select coalesce(max(number), 0) + 1 from pseudonym where thread_id = ?", threadId);
        var token = HexFormat.of().formatHex(bytes(10));
        // Its own address under the community, and a name in the acct: namespace members cannot take (ActorName).
        var uri = URI.create(community.actor().uri() + "/anonymous/" + token);
        var actor = actors(community)
                .insertLocal(
                        c,
                        ActorType.PERSON,
                        uri,
                        ActorName.RESERVED_PREFIX + token,
                        NAME + number,
                        LocalKeys.generate(RANDOM));
        Sql.update(
                c,
                "insert into pseudonym (actor_id, community_id, thread_id, number, author_id) values (?, ?, ?, ?, ?)",
                actor.id(),
                community.id(),
                threadId,
                number,
                authorActorId);
        return actor;
    }

    /** Ties a new thread's pseudonym to the thread it started. */
    public void bind(Connection c, long pseudonymActorId, long threadId) throws SQLException {
        Sql.update(
                c,
                "update pseudonym set thread_id = ? where actor_id = ? and thread_id is null",
                threadId,
                pseudonymActorId);
    }

    public Optional<Pseudonym> of(Connection c, long actorId) throws SQLException {
        return Sql.one(c, "select " + COLUMNS + " from pseudonym where actor_id = ?", Anonymity::map, actorId);
    }

    /** The pseudonyms among these actors, by actor id (most are not: one query for a page of posts). */
    public Map<Long, Pseudonym> of(Connection c, Collection<Long> actorIds) throws SQLException {
        var out = new HashMap<Long, Pseudonym>();
        if (actorIds.isEmpty()) return out;
        for (var p : Sql.list(
                c,
                "select " + COLUMNS + " from pseudonym where actor_id = any(?)",
                Anonymity::map,
                c.createArrayOf("bigint", actorIds.toArray()))) {
            out.put(p.actorId(), p);
        }
        return out;
    }

    /** Who really wrote a post: its author, or the member behind its pseudonym. Bans, removals and reports act on this one. */
    public long writer(Connection c, Post post) throws SQLException {
        return writer(c, post.authorId());
    }

    public long writer(Connection c, long authorActorId) throws SQLException {
        return of(c, authorActorId).map(Pseudonym::authorId).orElse(authorActorId);
    }

    /** The anonymous posts a member wrote in a community that are still up: what a ban with removeData takes too. */
    public List<Long> postsBehind(Connection c, long communityId, long authorActorId) throws SQLException {
        return Sql.list(c, """
                select p.id from post p join pseudonym ps on ps.actor_id = p.author_id
                where ps.author_id = ? and p.community_id = ? and p.removed_at is null and p.deleted_at is null
                order by p.id""", rs -> rs.getLong(1), authorActorId, communityId);
    }

    /** Whether {@code who} wrote the post, under their own name or a pseudonym. */
    public boolean wrote(Connection c, Post post, Participant who) throws SQLException {
        return who != null
                && (writer(c, post) == who.id()
                        || heldCopyOf(c, post.id(), who.id()).isPresent());
    }

    /**
     * What {@code reader} (null: someone not signed in, or another server) is told about a
     * pseudonym: the pseudonym to everyone; that it is theirs to its author; who wrote it to the
     * community's moderators and this instance's admins, and to nobody else.
     */
    public Disclosure disclosure(Connection c, Pseudonym pseudonym, Participant reader) throws SQLException {
        return disclosures(c, List.of(pseudonym), reader).get(pseudonym.actorId());
    }

    /**
     * {@link #disclosure} for all the pseudonyms of a page at once, by pseudonym actor id: the community, the
     * reader's standing in it and the writers' handles read once per community, not once per pseudonym.
     */
    public Map<Long, Disclosure> disclosures(Connection c, Collection<Pseudonym> pseudonyms, Participant reader)
            throws SQLException {
        var out = new HashMap<Long, Disclosure>();
        if (reader == null) {
            for (var p : pseudonyms) out.put(p.actorId(), new Disclosure(p.name(), false, null));
            return out;
        }
        var byCommunity = new HashMap<Long, List<Pseudonym>>();
        for (var p : pseudonyms)
            byCommunity.computeIfAbsent(p.communityId(), k -> new ArrayList<>()).add(p);
        Boolean admin = null;
        for (var group : byCommunity.entrySet()) {
            var community = communities.findById(c, group.getKey()).orElseThrow();
            boolean mayKnow = false;
            if (community.actor().local()) {
                if (admin == null) admin = reader.admin() || admin(c, reader.id());
                mayKnow = admin;
            }
            mayKnow = mayKnow || moderators.moderates(c, community, reader);
            var handles = new HashMap<Long, String>();
            if (mayKnow) {
                var writers = group.getValue().stream()
                        .map(Pseudonym::authorId)
                        .distinct()
                        .toArray();
                for (var row : Sql.list(
                        c,
                        "select id, preferred_username || '@' || domain from actor where id = any(?)",
                        rs -> Map.entry(rs.getLong(1), rs.getString(2)),
                        c.createArrayOf("bigint", writers))) handles.put(row.getKey(), row.getValue());
            }
            for (var p : group.getValue())
                out.put(p.actorId(), new Disclosure(p.name(), reader.id() == p.authorId(), handles.get(p.authorId())));
        }
        return out;
    }

    /** Our member's post sent to a community elsewhere to be published there anonymously (our copy, held). */
    public void markSentElsewhere(Connection c, long postId) throws SQLException {
        Sql.update(c, "insert into anonymous_request (post_id) values (?) on conflict do nothing", postId);
    }

    public boolean sentElsewhere(Connection c, long postId) throws SQLException {
        return Sql.count(c, "select count(*) from anonymous_request where post_id = ?", postId) > 0;
    }

    /**
     * The community elsewhere published our member's request under a pseudonym at {@code publishedUri},
     * and told us so privately: kept so the writer sees that post as theirs here (issue 17).
     */
    public void published(Connection c, long heldPostId, String publishedUri) throws SQLException {
        Sql.update(c, """
                insert into anonymous_publication (post_id, published_uri) values (?, ?)
                on conflict (post_id) do update set published_uri = excluded.published_uri""", heldPostId, publishedUri);
    }

    /**
     * Our member's own copy of a post a community elsewhere published for them under a pseudonym:
     * editing or deleting the published post goes through it, as the request went. Empty for any
     * other post, or for anyone but its writer.
     */
    public Optional<Long> heldCopyOf(Connection c, long postId, long writerActorId) throws SQLException {
        return Sql.one(c, """
                select h.id from post p join anonymous_publication ap on ap.published_uri = p.uri
                join post h on h.id = ap.post_id where p.id = ? and h.author_id = ?""", rs -> rs.getLong(1), postId, writerActorId);
    }

    /**
     * Among these authors, the pseudonyms of another server behind which {@code reader} wrote (known
     * from their publications here), each with its name: only the writer is ever told (issue 17).
     */
    public Map<Long, Disclosure> elsewhereYours(Connection c, Collection<Long> actorIds, Participant reader)
            throws SQLException {
        var out = new HashMap<Long, Disclosure>();
        if (reader == null || actorIds.isEmpty()) return out;
        for (var row : Sql.list(
                c,
                """
                select distinct p.author_id, coalesce(a.name, a.preferred_username)
                from anonymous_publication ap join post h on h.id = ap.post_id
                join post p on p.uri = ap.published_uri join actor a on a.id = p.author_id
                where h.author_id = ? and p.author_id = any(?)""",
                rs -> Map.entry(rs.getLong(1), rs.getString(2)),
                reader.id(),
                c.createArrayOf("bigint", actorIds.toArray()))) {
            out.put(row.getKey(), new Disclosure(row.getValue(), true, null));
        }
        return out;
    }

    /** Whether an actor is an admin of this instance (pages know readers by actor only). */
    private static boolean admin(Connection c, long actorId) throws SQLException {
        return Sql.count(c, "select count(*) from account where actor_id = ? and role = 'admin'", actorId) > 0;
    }

    /** The pseudonyms of a thread, for the moderators' view of who is who. */
    public Map<Long, Pseudonym> ofThread(Connection c, long threadId) throws SQLException {
        var out = new HashMap<Long, Pseudonym>();
        for (var p : Sql.list(c, "select " + COLUMNS + " from pseudonym where thread_id = ?", Anonymity::map, threadId))
            out.put(p.actorId(), p);
        return out;
    }

    private byte[] bytes(int n) {
        var b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    private static final String COLUMNS = "actor_id, community_id, thread_id, number, author_id";

    private static Pseudonym map(ResultSet rs) throws SQLException {
        return new Pseudonym(rs.getLong(1), rs.getLong(2), (Long) rs.getObject(3), rs.getInt(4), rs.getLong(5));
    }
}
