package app.kindred.member;

import app.kindred.ratelimit.RateLimits;
import app.kindred.ratelimit.RateLimits.Limit;
import app.kindred.refusal.Refusal;
import app.kindred.refusal.TryLater;
import app.kindred.storage.Database;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Bearer tokens for the client API. A token is 32 random bytes; only its SHA-256 hash is stored, so
 * a copy of the database does not let anyone sign in. Sessions expire and can be revoked.
 */
public final class SessionService {
    public static final Duration LIFETIME = Duration.ofDays(30);
    static final Duration TOUCH_EVERY = Duration.ofMinutes(5);
    // One message for an unknown name and a wrong password, so the answer does not reveal who has an account.
    static final String WRONG_CREDENTIALS = "the username or password is wrong";
    static final String SUSPENDED = "this account is suspended by the server's admins, so it cannot sign in";

    private final Database db;
    private final SessionStore sessions;
    private final MemberService members;
    private final MemberStore memberStore;
    private final SecureRandom random;
    private final Clock clock;
    private final RateLimits limits;

    public SessionService(
            Database db,
            SessionStore sessions,
            MemberService members,
            MemberStore memberStore,
            SecureRandom random,
            Clock clock,
            RateLimits limits) {
        this.limits = limits;
        this.db = db;
        this.sessions = sessions;
        this.members = members;
        this.memberStore = memberStore;
        this.random = random;
        this.clock = clock;
    }

    /** A freshly issued token: shown to the member once, never again. */
    /** @param deletionCancelled whether this sign-in cancelled the member's scheduled account deletion */
    public record Issued(String token, Instant expiresAt, Member member, boolean deletionCancelled) {
        @Override
        public String toString() {
            return "Issued[token=***, expiresAt=" + expiresAt + ", member=" + member.username() + "]";
        }
    }

    /**
     * Signs in, within the sign-in limits: a client that keeps failing waits longer and longer, and
     * an account that keeps failing makes only the clients that failed wait. A client with no recent
     * failures gets its try ({@code limits.sign_in_first_try}, one per 15 minutes by default), so an
     * attacker cannot lock the owner out of their account, while many clients guessing at one account
     * get one unheld try each per period rather than one each time their own limit refills (with the
     * client's own bucket deciding, 50 clients had about 500 guesses a minute past an account limit of 5).
     * {@code client} names the client without its address ({@link app.kindred.ratelimit.ClientKeys}).
     *
     * <p>The tries are taken from the buckets before the password is hashed and given back when it
     * turns out right (or was never tried, the hashing threads being busy). Checking first and
     * counting after the hash let every guess already in flight through while the bucket still looked
     * open: 24 guesses sent at once all reached Argon2, filling its queue, and the owner got 503. The
     * first try is taken the same way, so of two guesses sent at once only one is a first try.
     */
    public Issued logIn(String username, String password, String client) {
        var account = username == null ? "" : username.strip().toLowerCase(Locale.ROOT);
        limits.take(Limit.SIGN_IN_CLIENT, client);
        boolean firstTry = limits.tryTake(Limit.SIGN_IN_FIRST_TRY, client);
        if (!firstTry) {
            try {
                limits.take(Limit.SIGN_IN_ACCOUNT, account);
            } catch (TryLater e) {
                limits.giveBack(Limit.SIGN_IN_CLIENT, client);
                throw e;
            }
        }
        Optional<Member> found;
        try {
            found = members.authenticate(username == null ? "" : username, password == null ? "" : password);
        } catch (RuntimeException e) {
            // Too long, or no hashing thread free: no password was tried, so no try is spent.
            giveBack(client, firstTry, account);
            throw e;
        }
        if (found.isEmpty()) {
            // A first try that failed counts against the account too, without having been held by it.
            if (firstTry) limits.count(Limit.SIGN_IN_ACCOUNT, account);
            throw new Refusal(Refusal.Kind.UNAUTHORIZED, null, WRONG_CREDENTIALS);
        }
        giveBack(client, firstTry, account);
        return issue(found.get());
    }

    private void giveBack(String client, boolean firstTry, String account) {
        limits.giveBack(Limit.SIGN_IN_CLIENT, client);
        if (firstTry) limits.giveBack(Limit.SIGN_IN_FIRST_TRY, client);
        else limits.giveBack(Limit.SIGN_IN_ACCOUNT, account);
    }

    /**
     * Issues a session to a member whose password was just checked. Signing in during the grace
     * period cancels a scheduled deletion (issue 18), in the same transaction, and cancelling comes
     * first: it waits for an erasure already running (which holds that row), after which the account
     * is gone and the sign-in is refused like an unknown name, rather than failing on the session's
     * foreign key. Package-private so a test can run the erasure between the password check and this.
     */
    Issued issue(Member member) {
        var bytes = new byte[32];
        random.nextBytes(bytes);
        var token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        var now = clock.instant();
        var expiresAt = now.plus(LIFETIME);
        boolean cancelled = db.transaction(c -> {
            boolean wasScheduled = memberStore.cancelDeletion(c, member.id());
            if (!memberStore.markActive(c, member.id(), now)) {
                throw new Refusal(Refusal.Kind.UNAUTHORIZED, null, WRONG_CREDENTIALS);
            }
            // Said only to someone who knew the password: nobody else learns an account is suspended.
            if (memberStore.suspended(c, member.id())) {
                throw new Refusal(Refusal.Kind.FORBIDDEN, null, SUSPENDED);
            }
            // An applicant learns how their application stands when they sign in (no e-mail exists).
            var application = memberStore.application(c, member.id());
            if (application.isPresent()) throw unapproved(application.get());
            sessions.insert(c, member.id(), hash(token), now, expiresAt);
            return wasScheduled;
        });
        return new Issued(token, expiresAt, member, cancelled);
    }

    /** The field of the refusal an applicant gets on signing in; the page tells it from a suspension by it. */
    public static final String APPLICATION = "application";

    private static Refusal unapproved(Application application) {
        return new Refusal(
                Refusal.Kind.FORBIDDEN,
                APPLICATION,
                application.state() == Application.State.WAITING
                        ? "your application is waiting for the admins; you can sign in once they approve it"
                        : "the admins did not approve your application"
                                + (application.reason() == null
                                                || application.reason().isBlank()
                                        ? ""
                                        : ". They said: " + application.reason()));
    }

    /** The member a live token belongs to; a missing, unknown, expired or revoked token is refused alike. */
    public Member member(String token) {
        if (token == null || token.isBlank()) throw unauthorized("sign in and send Authorization: Bearer TOKEN");
        var now = clock.instant();
        // One statement: the session with its account and actor (issue 14's signed-in page speed).
        var found = db.read(c -> sessions.liveMember(c, hash(token), now))
                .orElseThrow(() -> unauthorized("the token is unknown, expired or revoked; sign in again"));
        touchWhenDue(found.live(), now);
        return found.member();
    }

    private Member memberOf(SessionStore.Live live) {
        return members.find(live.username()).orElseThrow(() -> unauthorized("the account is gone"));
    }

    private SessionStore.Live live(String token) {
        if (token == null || token.isBlank()) throw unauthorized("sign in and send Authorization: Bearer TOKEN");
        var now = clock.instant();
        var live = db.read(c -> sessions.live(c, hash(token), now))
                .orElseThrow(() -> unauthorized("the token is unknown, expired or revoked; sign in again"));
        touchWhenDue(live, now);
        return live;
    }

    /** "Last used" to within a few minutes is enough to recognise a session; most requests then write nothing. */
    private void touchWhenDue(SessionStore.Live live, Instant now) {
        if (live.lastUsedAt() == null || live.lastUsedAt().isBefore(now.minus(TOUCH_EVERY))) {
            db.bookkeeping(c -> {
                sessions.touch(c, live.id(), now);
                return null;
            });
        }
    }

    /** One of the member's live sessions; {@code current} is the one this token belongs to. */
    public record Session(long id, Instant createdAt, Instant lastUsedAt, Instant expiresAt, boolean current) {}

    public List<Session> sessions(String token) {
        var live = live(token);
        var member = memberOf(live);
        return db.read(c -> sessions.liveOf(c, member.id(), clock.instant())).stream()
                .map(s -> new Session(s.id(), s.createdAt(), s.lastUsedAt(), s.expiresAt(), s.id() == live.id()))
                .toList();
    }

    /** Ends one of the member's own sessions (this one too, if they name it). */
    public void end(String token, long sessionId) {
        var member = member(token);
        int ended = db.transaction(c -> sessions.revokeById(c, member.id(), sessionId, clock.instant()));
        // Someone else's session, or none, is not found: ids do not tell whose they are.
        if (ended == 0) throw Refusal.notFound("you have no live session " + sessionId);
    }

    /** Ends every live session of the member but this one (a phone left signed in somewhere); returns how many. */
    public int endOthers(String token) {
        var live = live(token);
        var member = memberOf(live);
        return db.transaction(c -> sessions.revokeAllBut(c, member.id(), live.id(), clock.instant()));
    }

    /**
     * Changes the member's password when the current one is right, and ends every other session:
     * whoever else was signed in as them is signed out. The session in use stays.
     */
    public void changePassword(String token, String currentPassword, String newPassword) {
        var live = live(token);
        var member = memberOf(live);
        if (members.authenticate(member.username(), currentPassword == null ? "" : currentPassword)
                .isEmpty()) {
            throw Refusal.invalid("current_password", "the current password is wrong");
        }
        var hash = members.newPasswordHash("new_password", newPassword);
        db.transaction(c -> {
            memberStore.setPasswordHash(c, member.id(), hash);
            sessions.revokeAllBut(c, member.id(), live.id(), clock.instant());
            return null;
        });
    }

    public void logOut(String token) {
        member(token);
        db.transaction(c -> sessions.revoke(c, hash(token), clock.instant()));
    }

    static byte[] hash(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    private static Refusal unauthorized(String message) {
        return new Refusal(Refusal.Kind.UNAUTHORIZED, null, message);
    }
}
