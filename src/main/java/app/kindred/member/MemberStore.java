package app.kindred.member;

import app.kindred.actor.ActorStore;
import app.kindred.storage.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

public final class MemberStore {
    private final ActorStore actors;

    public MemberStore(ActorStore actors) {
        this.actors = actors;
    }

    private record AccountRow(long id, long actorId, String username, Role role, Instant createdAt) {}

    public long insert(Connection c, long actorId, String username, String passwordHash, Role role)
            throws SQLException {
        return Sql.insert(
                c,
                "insert into account (actor_id, username, password_hash, role) values (?, ?, ?, ?) returning id",
                actorId,
                username,
                passwordHash,
                role);
    }

    public Optional<Member> findByUsername(Connection c, String username) throws SQLException {
        var row = Sql.one(
                c,
                "select id, actor_id, username, role, created_at from account where username = ?",
                rs -> new AccountRow(
                        rs.getLong("id"),
                        rs.getLong("actor_id"),
                        rs.getString("username"),
                        Role.valueOf(rs.getString("role").toUpperCase(Locale.ROOT)),
                        Sql.instant(rs, "created_at")),
                username);
        if (row.isEmpty()) return Optional.empty();
        var r = row.get();
        return Optional.of(new Member(
                r.id(), r.username(), r.role(), actors.findById(c, r.actorId()).orElseThrow(), r.createdAt()));
    }

    /** Signing in counts as activity; NodeInfo's active-user figures read it. */
    /** Returns whether the account is still there (and now locked until the transaction ends). */
    public boolean markActive(Connection c, long accountId, Instant at) throws SQLException {
        return Sql.update(c, "update account set last_active_at = ? where id = ?", at, accountId) > 0;
    }

    /**
     * Cancels the member's scheduled deletion, if any (they signed in during its grace period); returns
     * whether there was one. The row is locked while a deletion runs, so a sign-in either cancels it
     * first or waits for it and finds no account.
     */
    public boolean cancelDeletion(Connection c, long accountId) throws SQLException {
        return Sql.update(c, "delete from account_deletion where account_id = ?", accountId) > 0;
    }

    public Optional<String> passwordHash(Connection c, String username) throws SQLException {
        return Sql.one(c, "select password_hash from account where username = ?", rs -> rs.getString(1), username);
    }

    public void setPasswordHash(Connection c, long accountId, String passwordHash) throws SQLException {
        Sql.update(c, "update account set password_hash = ? where id = ?", passwordHash, accountId);
    }

    public boolean contentWarningsOpen(Connection c, long accountId) throws SQLException {
        return Sql.one(c, "select content_warnings_open from account where id = ?", rs -> rs.getBoolean(1), accountId)
                .orElse(false);
    }

    public void setContentWarningsOpen(Connection c, long accountId, boolean open) throws SQLException {
        Sql.update(c, "update account set content_warnings_open = ? where id = ?", open, accountId);
    }

    /** Whether an admin suspended the account (issue 15): it may not sign in. */
    public boolean suspended(Connection c, long accountId) throws SQLException {
        return Sql.count(
                        c,
                        "select count(*) from account acc join actor a on a.id = acc.actor_id"
                                + " where acc.id = ? and a.suspended_at is not null",
                        accountId)
                > 0;
    }

    /**
     * The account's application when it applied to join and is not approved (issue 15): waiting, or
     * refused with the admin's reason. Empty for an ordinary account.
     */
    public Optional<Application> application(Connection c, long accountId) throws SQLException {
        return Sql.one(
                c,
                "select application_state, application_answer, application_reason, applied_at from account"
                        + " where id = ? and application_state is not null",
                rs -> new Application(
                        rs.getString(1).equals("waiting") ? Application.State.WAITING : Application.State.REFUSED,
                        rs.getString(2),
                        rs.getString(3),
                        Sql.instant(rs, "applied_at")),
                accountId);
    }
}
