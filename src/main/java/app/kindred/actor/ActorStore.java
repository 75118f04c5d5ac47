package app.kindred.actor;

import app.kindred.storage.Sql;
import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** Actors, local and remote. The private keys of local actors go to their own table. */
public final class ActorStore {
    private static final String COLUMNS =
            "id, uri, type, preferred_username, domain, local, name, inbox, shared_inbox, outbox, "
                    + "followers, public_key_id, public_key_pem, ed25519_key_id, ed25519_multibase, fetched_at, created_at";

    private final LocalIds ids;

    /** The actor columns, prefixed with a table alias, for joins. */
    public static String columns(String alias) {
        return Arrays.stream(COLUMNS.split(",\\s*"))
                .map(col -> alias + "." + col)
                .collect(Collectors.joining(", "));
    }

    public ActorStore(LocalIds ids) {
        this.ids = ids;
    }

    /** Creates one of our own actors with its key pairs; returns it. */
    public Actor insertLocal(Connection c, ActorType type, URI uri, String username, String displayName, LocalKeys keys)
            throws SQLException {
        long id = Sql.insert(
                c,
                """
                insert into actor (uri, type, preferred_username, domain, local, name, inbox, shared_inbox, outbox, followers,
                                   public_key_id, public_key_pem, ed25519_key_id, ed25519_multibase)
                values (?, ?, ?, ?, true, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning id""",
                uri,
                type.wireName(),
                username,
                ids.base().getAuthority(),
                displayName,
                ids.inbox(uri),
                ids.sharedInbox(),
                ids.outbox(uri),
                ids.followers(uri),
                ids.mainKeyId(uri),
                keys.rsaPublicPem(),
                ids.ed25519KeyId(uri),
                keys.ed25519Multibase());
        Sql.update(
                c,
                "insert into actor_private_key (actor_id, rsa_private_pem, ed25519_private) values (?, ?, ?)",
                id,
                keys.rsaPrivatePem(),
                keys.ed25519Private());
        return findById(c, id).orElseThrow();
    }

    /** Whether the actor is suspended here: by our admins, a domain block, or (remote) its own server. */
    public static boolean suspended(Connection c, long actorId) throws SQLException {
        return Sql.one(c, "select suspended_at is not null from actor where id = ?", rs -> rs.getBoolean(1), actorId)
                .orElse(false);
    }

    /**
     * Follows what a remote actor's own server says of its suspension ({@code toot:suspended}), as
     * Mastodon does: a suspension its origin made is marked so, and only such a one is lifted when the
     * origin lifts it; a suspension of our own (a domain block) stays until we lift it.
     */
    public static void followOriginSuspension(Connection c, long actorId, boolean suspended) throws SQLException {
        if (suspended) {
            Sql.update(
                    c,
                    "update actor set suspended_at = now(), suspension_origin = 'remote'"
                            + " where id = ? and not local and suspended_at is null",
                    actorId);
        } else {
            Sql.update(
                    c,
                    "update actor set suspended_at = null, suspension_origin = null"
                            + " where id = ? and not local and suspension_origin = 'remote'",
                    actorId);
        }
    }

    /** Stores what a remote actor's own server says about it, replacing what we had. */
    public Actor upsertRemote(Connection c, RemoteActorData r) throws SQLException {
        long id = Sql.insert(
                c,
                """
                insert into actor (uri, type, preferred_username, domain, local, name, inbox, shared_inbox, outbox, followers,
                                   public_key_id, public_key_pem, ed25519_key_id, ed25519_multibase, fetched_at)
                values (?, ?, ?, ?, false, ?, ?, ?, ?, ?, ?, ?, ?, ?, now())
                on conflict (uri) do update set type = excluded.type, preferred_username = excluded.preferred_username,
                    name = excluded.name, inbox = excluded.inbox, shared_inbox = excluded.shared_inbox,
                    outbox = excluded.outbox, followers = excluded.followers, public_key_id = excluded.public_key_id,
                    public_key_pem = excluded.public_key_pem, ed25519_key_id = excluded.ed25519_key_id,
                    ed25519_multibase = excluded.ed25519_multibase, fetched_at = now(), updated_at = now()
                where not actor.local
                returning id""",
                r.uri(),
                r.type().wireName(),
                r.preferredUsername(),
                r.uri().getAuthority(),
                r.name(),
                r.inbox(),
                r.sharedInbox(),
                r.outbox(),
                r.followers(),
                r.publicKeyId(),
                r.publicKeyPem(),
                r.ed25519KeyId(),
                r.ed25519Multibase());
        return findById(c, id).orElseThrow();
    }

    /** The featured collection a remote actor's document names (null: none); ours are at {actor}/featured. */
    public void setFeatured(Connection c, long actorId, URI featured) throws SQLException {
        Sql.update(c, "update actor set featured = ? where id = ? and not local", featured, actorId);
    }

    /** An actor's featured collection: as its document names it, else where ours and Lemmy's live, {actor}/featured. */
    public URI featured(Connection c, Actor actor) throws SQLException {
        var named = Sql.one(
                c,
                "select featured from actor where id = ? and not local and featured is not null",
                rs -> rs.getString(1),
                actor.id());
        return named.map(URI::create).orElseGet(() -> URI.create(actor.uri() + "/featured"));
    }

    /** The actor that publishes this key id, as its RSA #main-key or its Ed25519 Multikey. */
    public Optional<Actor> findByKeyId(Connection c, String keyId) throws SQLException {
        return Sql.one(
                c,
                "select " + COLUMNS + " from actor where public_key_id = ? or ed25519_key_id = ? limit 1",
                ActorStore::map,
                keyId,
                keyId);
    }

    /** The PEM of a local actor's RSA private key; only signing code asks for it. */
    public Optional<String> rsaPrivateKeyPem(Connection c, long actorId) throws SQLException {
        return Sql.one(
                c, "select rsa_private_pem from actor_private_key where actor_id = ?", rs -> rs.getString(1), actorId);
    }

    /** When this actor left (our member deleted their account, or a remote one said Delete or 410), if it did. */
    public Optional<java.time.Instant> goneAt(Connection c, long id) throws SQLException {
        return Sql.one(
                c,
                "select gone_at from actor where id = ? and gone_at is not null",
                rs -> Sql.instant(rs, "gone_at"),
                id);
    }

    public Optional<Actor> findById(Connection c, long id) throws SQLException {
        return Sql.one(c, "select " + COLUMNS + " from actor where id = ?", ActorStore::map, id);
    }

    public Optional<Actor> findByUri(Connection c, URI uri) throws SQLException {
        return Sql.one(c, "select " + COLUMNS + " from actor where uri = ?", ActorStore::map, uri);
    }

    /** A local member or community by its name (one namespace for both). */
    public Optional<Actor> findLocal(Connection c, String name) throws SQLException {
        return Sql.one(
                c, "select " + COLUMNS + " from actor where local and preferred_username = ?", ActorStore::map, name);
    }

    public static Actor map(ResultSet rs) throws SQLException {
        return new Actor(
                rs.getLong("id"),
                URI.create(rs.getString("uri")),
                ActorType.fromWire(rs.getString("type")).orElseThrow(),
                rs.getString("preferred_username"),
                rs.getString("domain"),
                rs.getBoolean("local"),
                rs.getString("name"),
                uri(rs.getString("inbox")),
                uri(rs.getString("shared_inbox")),
                uri(rs.getString("outbox")),
                uri(rs.getString("followers")),
                rs.getString("public_key_id"),
                rs.getString("public_key_pem"),
                rs.getString("ed25519_key_id"),
                rs.getString("ed25519_multibase"),
                Sql.instant(rs, "fetched_at"),
                Sql.instant(rs, "created_at"));
    }

    private static URI uri(String s) {
        return s == null ? null : URI.create(s);
    }
}
