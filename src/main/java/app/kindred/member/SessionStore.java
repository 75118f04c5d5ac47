package app.kindred.member;

import app.kindred.storage.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/** Sign-in sessions, found by the SHA-256 hash of their token; the token itself is never stored. */
public final class SessionStore {

    public void insert(Connection c, long accountId, byte[] tokenHash, Instant createdAt, Instant expiresAt) throws SQLException {
        Sql.update(c, "insert into session (account_id, token_hash, created_at, expires_at) values (?, ?, ?, ?)",
                accountId, tokenHash, createdAt, expiresAt);
    }

    /** The account of a session that is neither revoked nor expired at {@code now}. */
    public Optional<String> liveUsername(Connection c, byte[] tokenHash, Instant now) throws SQLException {
        return Sql.one(c, """
                select a.username from session s join account a on a.id = s.account_id
                where s.token_hash = ? and s.revoked_at is null and s.expires_at > ?""",
                rs -> rs.getString(1), tokenHash, now);
    }

    public int revoke(Connection c, byte[] tokenHash, Instant now) throws SQLException {
        return Sql.update(c, "update session set revoked_at = ? where token_hash = ? and revoked_at is null", now, tokenHash);
    }
}
