package app.kindred.member;

import app.kindred.actor.ActorStore;
import app.kindred.storage.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Sign-in sessions, found by the SHA-256 hash of their token; the token itself is never stored. */
public final class SessionStore {

    public void insert(Connection c, long accountId, byte[] tokenHash, Instant createdAt, Instant expiresAt)
            throws SQLException {
        Sql.update(
                c,
                "insert into session (account_id, token_hash, created_at, last_used_at, expires_at) values (?, ?, ?, ?, ?)",
                accountId,
                tokenHash,
                createdAt,
                createdAt,
                expiresAt);
    }

    /** A live session: whose it is and when it was last used. */
    public record Live(long id, String username, Instant lastUsedAt) {}

    /** The session that is neither revoked nor expired at {@code now}. */
    public Optional<Live> live(Connection c, byte[] tokenHash, Instant now) throws SQLException {
        return Sql.one(
                c,
                """
                select s.id, a.username, s.last_used_at from session s join account a on a.id = s.account_id
                where s.token_hash = ? and s.revoked_at is null and s.expires_at > ?""",
                rs -> new Live(rs.getLong(1), rs.getString(2), Sql.instant(rs, "last_used_at")),
                tokenHash,
                now);
    }

    /** A live session with its member: what every signed-in request needs, read in one statement. */
    public record LiveMember(Live live, Member member) {}

    /**
     * As {@link #live}, with the account and its actor joined in (issue 14: a signed-in page read the session,
     * then the account, then the actor, three statements and three round trips on every request). The
     * session is still read on every request, so logging out, a password change or a suspension (each
     * revokes the session) ends it at once. The actor's columns come first and the others are named apart,
     * so {@link ActorStore#map} finds its own {@code id} and {@code created_at}.
     */
    public Optional<LiveMember> liveMember(Connection c, byte[] tokenHash, Instant now) throws SQLException {
        return Sql.one(
                c,
                "select " + ActorStore.columns("p")
                        + ", s.id as session_id, s.last_used_at as session_last_used_at, a.id as account_id,"
                        + " a.username as account_username, a.role as account_role, a.created_at as account_created_at"
                        + " from session s join account a on a.id = s.account_id join actor p on p.id = a.actor_id"
                        + " where s.token_hash = ? and s.revoked_at is null and s.expires_at > ?",
                rs -> {
                    var username = rs.getString("account_username");
                    return new LiveMember(
                            new Live(rs.getLong("session_id"), username, Sql.instant(rs, "session_last_used_at")),
                            new Member(
                                    rs.getLong("account_id"),
                                    username,
                                    Role.valueOf(rs.getString("account_role").toUpperCase(Locale.ROOT)),
                                    ActorStore.map(rs),
                                    Sql.instant(rs, "account_created_at")));
                },
                tokenHash,
                now);
    }

    public void touch(Connection c, long sessionId, Instant now) throws SQLException {
        Sql.update(c, "update session set last_used_at = ? where id = ? and last_used_at < ?", now, sessionId, now);
    }

    /** One of a member's sessions as they may see it: no token, no address (none is kept). */
    public record Summary(long id, Instant createdAt, Instant lastUsedAt, Instant expiresAt) {}

    public List<Summary> liveOf(Connection c, long accountId, Instant now) throws SQLException {
        return Sql.list(
                c,
                """
                select id, created_at, last_used_at, expires_at from session
                where account_id = ? and revoked_at is null and expires_at > ? order by last_used_at desc, id desc""",
                rs -> new Summary(
                        rs.getLong(1),
                        Sql.instant(rs, "created_at"),
                        Sql.instant(rs, "last_used_at"),
                        Sql.instant(rs, "expires_at")),
                accountId,
                now);
    }

    /** Ends one of the account's own sessions; 0 when it has no such live session. */
    public int revokeById(Connection c, long accountId, long sessionId, Instant now) throws SQLException {
        return Sql.update(
                c,
                "update session set revoked_at = ? where id = ? and account_id = ? and revoked_at is null",
                now,
                sessionId,
                accountId);
    }

    /** Ends every session of the account but one (the one in use). */
    public int revokeAllBut(Connection c, long accountId, long keptSessionId, Instant now) throws SQLException {
        return Sql.update(
                c,
                "update session set revoked_at = ? where account_id = ? and id <> ? and revoked_at is null",
                now,
                accountId,
                keptSessionId);
    }

    public int revoke(Connection c, byte[] tokenHash, Instant now) throws SQLException {
        return Sql.update(
                c, "update session set revoked_at = ? where token_hash = ? and revoked_at is null", now, tokenHash);
    }
}
