package app.kindred.member;

import app.kindred.audit.AuditLog;
import app.kindred.refusal.Refusal;
import app.kindred.storage.Database;
import app.kindred.storage.Sql;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Local accounts as instance admins look after them (issue 15): the list, suspending and lifting a
 * suspension, roles, and a one-time password reset link the admin hands over (there is no e-mail).
 * Every act is in the audit log, in the same transaction as the act.
 */
public final class Accounts {
    /** How long a reset link works; long enough to pass it on, short enough not to linger. */
    public static final Duration RESET_LIFETIME = Duration.ofHours(24);

    private final Database db;
    private final MemberService members;
    private final SecureRandom random;
    private final Clock clock;
    private final ProfileChanges profileChanges;

    public Accounts(
            Database db, MemberService members, SecureRandom random, Clock clock, ProfileChanges profileChanges) {
        this.profileChanges = profileChanges;
        this.db = db;
        this.members = members;
        this.random = random;
        this.clock = clock;
    }

    /** One account as the admins' list shows it. */
    public record Account(
            String username,
            Role role,
            Instant createdAt,
            Instant lastActiveAt,
            Instant suspendedAt,
            boolean leaving,
            long actorId) {
        public boolean suspended() {
            return suspendedAt != null;
        }
    }

    /** Accounts whose name contains {@code query} (all when blank), by name, at most {@code limit}. */
    public List<Account> list(Member admin, String query, int limit) {
        requireAdmin(admin);
        var q = query == null ? "" : query.strip().toLowerCase(Locale.ROOT);
        var like = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
        return db.read(c -> Sql.list(c, """
                select acc.username, acc.role, acc.created_at, acc.last_active_at, a.suspended_at, acc.actor_id,
                       exists (select 1 from account_deletion d where d.account_id = acc.id) as leaving
                from account acc join actor a on a.id = acc.actor_id
                where acc.username like ? order by acc.username limit ?""", Accounts::account, like, limit));
    }

    /** How many local accounts there are. */
    public long count(Member admin) {
        requireAdmin(admin);
        return db.read(c -> Sql.count(c, "select count(*) from account"));
    }

    public Account find(Member admin, String username) {
        requireAdmin(admin);
        return db.read(c -> account(c, username));
    }

    private static Account account(Connection c, String username) throws SQLException {
        return Sql.one(c, """
                select acc.username, acc.role, acc.created_at, acc.last_active_at, a.suspended_at, acc.actor_id,
                       exists (select 1 from account_deletion d where d.account_id = acc.id) as leaving
                from account acc join actor a on a.id = acc.actor_id where acc.username = ?""", Accounts::account, username)
                .orElseThrow(() -> Refusal.notFound("there is no member " + username + " here"));
    }

    private static Account account(ResultSet rs) throws SQLException {
        return new Account(
                rs.getString("username"),
                Role.valueOf(rs.getString("role").toUpperCase(Locale.ROOT)),
                Sql.instant(rs, "created_at"),
                Sql.instant(rs, "last_active_at"),
                Sql.instant(rs, "suspended_at"),
                rs.getBoolean("leaving"),
                rs.getLong("actor_id"));
    }

    /**
     * Suspends a member: every session ends at once, signing in is refused, and their posts are
     * hidden as a suspended remote account's are. An admin is not suspended (change their role first),
     * nor is oneself.
     */
    public void suspend(Member admin, String username, String reason) {
        requireAdmin(admin);
        suspend(admin.username(), username, reason);
    }

    /** The same, from the command line, run by whoever operates the server ("cli" in the audit log). */
    public void suspendAsOperator(String username, String reason) {
        suspend(OPERATOR, username, reason);
    }

    /** The command line's name in the audit log, as for domain blocks. */
    public static final String OPERATOR = "cli";

    private void suspend(String by, String username, String reason) {
        if (reason == null || reason.isBlank())
            throw Refusal.invalid("reason", "say why, in a few words: the reason is kept in the audit log");
        db.transaction(c -> {
            var target = lockedTarget(c, username);
            if (target.username().equals(by)) throw Refusal.conflict("username", "you cannot suspend yourself");
            if (target.role() == Role.ADMIN)
                throw Refusal.conflict("username", username + " is an admin; make them a member first");
            if (target.suspended()) throw Refusal.conflict("username", username + " is already suspended");
            var now = clock.instant();
            Sql.update(
                    c,
                    "update actor set suspended_at = ? where id = (select actor_id from account where username = ?)",
                    now,
                    username);
            Sql.update(
                    c,
                    "update session set revoked_at = ? where revoked_at is null"
                            + " and account_id = (select id from account where username = ?)",
                    now,
                    username);
            // Other servers that show the member hear it with the change: their actor now says suspended.
            profileChanges.changed(c, members.actorOf(c, username));
            AuditLog.record(c, by, "member.suspend", username, reason, "{}");
            return null;
        });
    }

    /** Lifts a suspension: the member may sign in again and their posts show again. */
    public void unsuspend(Member admin, String username, String reason) {
        requireAdmin(admin);
        unsuspend(admin.username(), username, reason);
    }

    public void unsuspendAsOperator(String username, String reason) {
        unsuspend(OPERATOR, username, reason);
    }

    private void unsuspend(String by, String username, String reason) {
        db.transaction(c -> {
            var target = lockedTarget(c, username);
            if (!target.suspended()) throw Refusal.conflict("username", username + " is not suspended");
            Sql.update(
                    c,
                    "update actor set suspended_at = null where id = (select actor_id from account where username = ?)",
                    username);
            profileChanges.changed(c, members.actorOf(c, username));
            AuditLog.record(c, by, "member.unsuspend", username, reason, "{}");
            return null;
        });
    }

    /**
     * Makes a member an admin or an admin a member. A server keeps someone who can run it: the last
     * admin stays one. The admins' rows are locked first, so two admins stepping down at once cannot
     * both be let go.
     */
    public void setRole(Member admin, String username, Role role) {
        requireAdmin(admin);
        db.transaction(c -> {
            var admins = Sql.list(
                    c,
                    "select username from account where role = 'admin' order by id for update",
                    rs -> rs.getString(1));
            var target = lockedTarget(c, username);
            if (target.role() == role) return null;
            if (role == Role.MEMBER && admins.size() <= 1 && admins.contains(username))
                throw Refusal.conflict("role", username + " is the only admin; make someone else an admin first");
            if (role == Role.ADMIN && target.suspended())
                throw Refusal.conflict("role", username + " is suspended; lift the suspension first");
            Sql.update(
                    c,
                    "update account set role = ? where username = ?",
                    role.name().toLowerCase(Locale.ROOT),
                    username);
            AuditLog.record(
                    c,
                    admin.username(),
                    "member.role",
                    username,
                    "",
                    "{\"role\":\"" + role.name().toLowerCase(Locale.ROOT) + "\"}");
            return null;
        });
    }

    /** A reset link's secret, shown to the admin once; only its hash is stored. */
    public record Reset(String token, Instant expiresAt) {
        @Override
        public String toString() {
            return "Reset[token=***, expiresAt=" + expiresAt + "]";
        }
    }

    /**
     * Issues a one-time password reset for a member; an earlier unused one stops working. The
     * member's password and sessions are untouched until the link is used.
     */
    public Reset issueReset(Member admin, String username) {
        requireAdmin(admin);
        var bytes = new byte[32];
        random.nextBytes(bytes);
        var token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        var now = clock.instant();
        var expires = now.plus(RESET_LIFETIME);
        db.transaction(c -> {
            var target = lockedTarget(c, username);
            if (target.suspended()) throw Refusal.conflict("username", username + " is suspended; lift it first");
            long accountId = accountId(c, username);
            Sql.update(
                    c,
                    "update password_reset set used_at = ? where account_id = ? and used_at is null",
                    now,
                    accountId);
            Sql.update(
                    c,
                    "insert into password_reset (token_hash, account_id, created_by, created_at, expires_at)"
                            + " values (?, ?, ?, ?, ?)",
                    hash(token),
                    accountId,
                    admin.username(),
                    now,
                    expires);
            AuditLog.record(c, admin.username(), "member.password_reset", username, "", "{}");
            return null;
        });
        return new Reset(token, expires);
    }

    /** Whose reset a live link is; empty for an unknown, used or expired one alike. */
    public Optional<String> resetFor(String token) {
        if (token == null || token.isBlank()) return Optional.empty();
        return db.read(c -> Sql.one(c, """
                select acc.username from password_reset r join account acc on acc.id = r.account_id
                where r.token_hash = ? and r.used_at is null and r.expires_at > ?""", rs -> rs.getString(1), hash(token), clock.instant()));
    }

    /**
     * Sets a new password through a live reset link, once: the link is spent and every session of the
     * account ends, so whoever held the old password is signed out.
     */
    public String redeemReset(String token, String newPassword) {
        var username = resetFor(token).orElseThrow(Accounts::spent);
        // Slow (Argon2), so outside the transaction; the link is checked again inside it.
        var hash = members.newPasswordHash("password", newPassword);
        var now = clock.instant();
        return db.transaction(c -> {
            var accountId =
                    Sql.one(c, """
                    update password_reset set used_at = ? where token_hash = ? and used_at is null and expires_at > ?
                    returning account_id""", rs -> rs.getLong(1), now, hash(token), now).orElseThrow(Accounts::spent);
            Sql.update(c, "update account set password_hash = ? where id = ?", hash, accountId);
            Sql.update(
                    c, "update session set revoked_at = ? where account_id = ? and revoked_at is null", now, accountId);
            return username;
        });
    }

    private static Refusal spent() {
        return Refusal.notFound("this reset link is used, expired or unknown; ask an admin for a new one");
    }

    private static Account lockedTarget(Connection c, String username) throws SQLException {
        Sql.one(c, "select id from account where username = ? for update", rs -> rs.getLong(1), username);
        return account(c, username);
    }

    private static long accountId(Connection c, String username) throws SQLException {
        return Sql.one(c, "select id from account where username = ?", rs -> rs.getLong(1), username)
                .orElseThrow();
    }

    private static void requireAdmin(Member member) {
        if (member.role() != Role.ADMIN)
            throw new Refusal(Refusal.Kind.FORBIDDEN, null, "only instance admins can do this");
    }

    private static byte[] hash(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
