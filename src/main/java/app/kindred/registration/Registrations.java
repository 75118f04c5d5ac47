package app.kindred.registration;

import app.kindred.audit.AuditLog;
import app.kindred.instance.InstanceSettings;
import app.kindred.member.Member;
import app.kindred.member.MemberService;
import app.kindred.member.Role;
import app.kindred.notification.Notifications;
import app.kindred.refusal.Refusal;
import app.kindred.storage.Database;
import app.kindred.storage.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * How people get an account (issue 15): signing up when registrations are open, applying when they
 * are by application (the account waits; admins are told and approve or refuse it), nothing when
 * closed. The same rules for the sign-up page, the API and the command line.
 */
public final class Registrations {
    public static final int MAX_ANSWER = 2_000, MAX_REASON = 1_000;

    /** What signing up did: an account to sign in with at once, or an application that waits. */
    public sealed interface Outcome {
        record Joined(Member member) implements Outcome {}

        record Applied(String username) implements Outcome {}
    }

    /** An application waiting for an admin. */
    public record Waiting(String username, String answer, Instant appliedAt) {}

    private final Database db;
    private final MemberService members;
    private final InstanceSettings settings;

    public Registrations(Database db, MemberService members, InstanceSettings settings) {
        this.db = db;
        this.members = members;
        this.settings = settings;
    }

    /** Signs someone up as the instance's registrations allow; {@code answer} is read only when applying. */
    public Outcome signUp(String username, String password, String answer) {
        return switch (settings.registrations()) {
            case CLOSED ->
                throw new Refusal(
                        Refusal.Kind.FORBIDDEN,
                        null,
                        "registrations are closed on this instance; ask an admin for an account");
            case OPEN -> new Outcome.Joined(members.create(username, password, Role.MEMBER));
            case APPLICATION -> {
                var text = answer == null ? "" : answer.strip();
                if (text.isEmpty())
                    throw Refusal.invalid("answer", "answer the question, in a few words: the admins read it");
                if (text.codePointCount(0, text.length()) > MAX_ANSWER)
                    throw Refusal.invalid("answer", "the answer is too long: " + MAX_ANSWER + " characters at most");
                var member = members.create(username, password, Role.MEMBER, (c, joined) -> {
                    Sql.update(
                            c,
                            "update account set application_state = 'waiting', application_answer = ?,"
                                    + " applied_at = now() where id = ?",
                            text,
                            joined.id());
                    Notifications.applied(c, joined.id());
                });
                yield new Outcome.Applied(member.username());
            }
        };
    }

    /** Applications waiting for an admin, oldest first. */
    public List<Waiting> waiting(Member admin) {
        requireAdmin(admin);
        return waitingAsOperator();
    }

    /** The same, for the command line. */
    public List<Waiting> waitingAsOperator() {
        return db.read(c ->
                Sql.list(c, """
                select username, application_answer, applied_at from account
                where application_state = 'waiting' order by applied_at, id""", rs -> new Waiting(rs.getString(1), rs.getString(2), Sql.instant(rs, "applied_at"))));
    }

    public void approve(Member admin, String username) {
        requireAdmin(admin);
        approve(admin.username(), username);
    }

    /** From the command line ("cli" in the audit log). */
    public void approveAsOperator(String username) {
        approve(OPERATOR, username);
    }

    public static final String OPERATOR = "cli";

    private void approve(String by, String username) {
        db.transaction(c -> {
            waitingOne(c, username);
            Sql.update(
                    c,
                    "update account set application_state = null, application_reason = null where username = ?",
                    username);
            AuditLog.record(c, by, "application.approve", username, "", "{}");
            return null;
        });
    }

    public void refuse(Member admin, String username, String reason) {
        requireAdmin(admin);
        refuse(admin.username(), username, reason);
    }

    public void refuseAsOperator(String username, String reason) {
        refuse(OPERATOR, username, reason);
    }

    /** Refuses an application; the reason (optional) is what the applicant reads when they next sign in. */
    private void refuse(String by, String username, String reason) {
        var text = reason == null ? "" : reason.strip();
        if (text.codePointCount(0, text.length()) > MAX_REASON)
            throw Refusal.invalid("reason", "the reason is too long: " + MAX_REASON + " characters at most");
        db.transaction(c -> {
            waitingOne(c, username);
            Sql.update(
                    c,
                    "update account set application_state = 'refused', application_reason = ? where username = ?",
                    text,
                    username);
            // Nobody is left told of an application that is decided.
            Sql.update(
                    c,
                    "update notification set read_at = now() where kind = 'application' and read_at is null"
                            + " and applicant_id = (select id from account where username = ?)",
                    username);
            AuditLog.record(c, by, "application.refuse", username, text, "{}");
            return null;
        });
    }

    private static void waitingOne(Connection c, String username) throws SQLException {
        var state = Sql.one(
                        c,
                        "select coalesce(application_state, 'member') from account where username = ? for update",
                        rs -> rs.getString(1),
                        username)
                .orElseThrow(() -> Refusal.notFound("there is no application from " + username));
        if (!state.equals("waiting"))
            throw Refusal.conflict("username", "the application of " + username + " is already decided");
    }

    private static void requireAdmin(Member member) {
        if (member.role() != Role.ADMIN)
            throw new Refusal(Refusal.Kind.FORBIDDEN, null, "only instance admins can do this");
    }
}
