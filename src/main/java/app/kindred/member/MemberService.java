package app.kindred.member;

import app.kindred.actor.Actor;
import app.kindred.actor.ActorName;
import app.kindred.actor.ActorStore;
import app.kindred.actor.ActorType;
import app.kindred.actor.LocalIds;
import app.kindred.actor.LocalKeys;
import app.kindred.refusal.Refusal;
import app.kindred.storage.Database;
import app.kindred.storage.Sql;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/** Local accounts: creating members and checking their passwords. */
public final class MemberService {
    public static final int MIN_PASSWORD_LENGTH = 10;
    /** Enough for any passphrase; past it Argon2 would hash megabytes for whoever sends them. */
    public static final int MAX_PASSWORD_LENGTH = 1024;

    private static final String DECOY_HASH = PasswordHash.hash("no account has this password", new SecureRandom());

    private final Database db;
    private final ActorStore actors;
    private final MemberStore members;
    private final LocalIds ids;
    private final SecureRandom random;
    private final PasswordHashing hashing;
    private final Clock clock;

    public MemberService(
            Database db,
            ActorStore actors,
            MemberStore members,
            LocalIds ids,
            SecureRandom random,
            PasswordHashing hashing,
            Clock clock) {
        this.db = db;
        this.actors = actors;
        this.members = members;
        this.ids = ids;
        this.random = random;
        this.hashing = hashing;
        this.clock = clock;
    }

    public Member create(String username, String password, Role role) {
        return create(username, password, role, (c, member) -> {});
    }

    /** Told of a new account inside the transaction that makes it, so what goes with it is made too or nothing is. */
    @FunctionalInterface
    public interface Joined {
        void joined(Connection c, Member member) throws SQLException;
    }

    public Member create(String username, String password, Role role, Joined then) {
        var name = new ActorName(username);
        checkPassword("password", password);
        // Key generation and hashing are slow: done before the transaction, which stays short.
        var hash = hashing.hash(password);
        var keys = LocalKeys.generate(random);
        return db.transaction(c -> {
            var existing = actors.findLocal(c, name.value());
            if (existing.isPresent() && existing.get().type() == ActorType.PERSON) {
                var goneAt = actors.goneAt(c, existing.get().id());
                if (goneAt.isPresent() && goneAt.get().isAfter(clock.instant().minus(NAME_KEPT))) {
                    throw Refusal.conflict(
                            "name",
                            "the name \"" + name + "\" belonged to a member who deleted their account; it is kept"
                                    + " unused for a year so nobody can pass as them; choose another");
                }
                // Kept long enough: the old actor row lets go of the name and the address, and stays as a tombstone.
                if (goneAt.isPresent()) retireName(c, existing.get().id());
            }
            if (actors.findLocal(c, name.value()).isPresent()) {
                throw Refusal.conflict(
                        "name", "the name \"" + name + "\" is taken by a member or community; choose another");
            }
            var uri = ids.member(name.value());
            var actor = actors.insertLocal(c, ActorType.PERSON, uri, name.value(), name.value(), keys);
            members.insert(c, actor.id(), name.value(), hash, role);
            var member = members.findByUsername(c, name.value()).orElseThrow();
            then.joined(c, member);
            return member;
        });
    }

    /** A departed member's name is kept from anyone else this long (issue 18). */
    public static final Duration NAME_KEPT = Duration.ofDays(365);

    private void retireName(Connection c, long actorId) throws SQLException {
        // '~' is never in a name we accept, so the retired name cannot meet a real one.
        Sql.update(
                c,
                "update actor set preferred_username = '~left~' || id, uri = ? || '/left/' || id where id = ?",
                ids.base().toString(),
                actorId);
    }

    private static void refuseTooLong(String field, String password) {
        if (password != null
                && password.length() > MAX_PASSWORD_LENGTH
                && password.codePointCount(0, password.length()) > MAX_PASSWORD_LENGTH) {
            throw Refusal.invalid(
                    field,
                    field.replace('_', ' ') + " is too long; use at most " + MAX_PASSWORD_LENGTH + " characters");
        }
    }

    /** Makes a local member an instance admin (from the command line); a member who already is stays one. */
    public Member makeAdmin(String username) {
        return db.transaction(c -> {
            Sql.update(c, "update account set role = 'admin' where username = ?", username);
            return members.findByUsername(c, username)
                    .orElseThrow(() -> Refusal.notFound("there is no member " + username + " here"));
        });
    }

    /** A local member's Person actor, in the caller's transaction. */
    Actor actorOf(Connection c, String username) throws SQLException {
        return members.findByUsername(c, username)
                .orElseThrow(() -> Refusal.notFound("there is no member " + username + " here"))
                .actor();
    }

    /** Whether the admins suspended the member (issue 15). */
    public boolean suspended(Member member) {
        return db.read(c -> members.suspended(c, member.id()));
    }

    public Optional<Member> find(String username) {
        return db.read(c -> members.findByUsername(c, username));
    }

    /** The member when the password is theirs; empty for an unknown name or a wrong password alike. */
    public Optional<Member> authenticate(String username, String password) {
        // Refused before hashing; no account can have such a password, so this says nothing about names.
        refuseTooLong("password", password);
        // The connection goes back to the pool before Argon2 runs: hashing holds no database connection.
        var hash = db.read(c -> members.passwordHash(c, username));
        // An unknown name still pays for one Argon2 run, so timing does not tell names that exist apart.
        if (!hashing.matches(password, hash.orElse(DECOY_HASH)) || hash.isEmpty()) return Optional.empty();
        return find(username);
    }

    /** A member's preferences, as the API and the pages read them. */
    public record Preferences(boolean contentWarningsOpen) {}

    public Preferences preferences(Member member) {
        return db.read(c -> new Preferences(members.contentWarningsOpen(c, member.id())));
    }

    public Preferences setContentWarningsOpen(Member member, boolean open) {
        db.transaction(c -> {
            members.setContentWarningsOpen(c, member.id(), open);
            return null;
        });
        return preferences(member);
    }

    /** The Argon2 hash of an acceptable new password; slow, so callers run it outside a transaction. */
    String newPasswordHash(String field, String password) {
        checkPassword(field, password);
        return hashing.hash(password);
    }

    private static void checkPassword(String field, String password) {
        if (password == null || password.codePointCount(0, password.length()) < MIN_PASSWORD_LENGTH) {
            throw Refusal.invalid(
                    field,
                    field.replace('_', ' ') + " is too short; use at least " + MIN_PASSWORD_LENGTH + " characters");
        }
        refuseTooLong(field, password);
    }
}
