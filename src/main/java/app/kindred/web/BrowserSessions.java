package app.kindred.web;

import app.kindred.member.Member;
import app.kindred.member.SessionService;
import app.kindred.refusal.Refusal;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Browser sign-in: the API's session token carried in a cookie ({@code HttpOnly}, {@code SameSite=Lax},
 * {@code Secure} over https), so both doors share one session store and one logout.
 *
 * <p>CSRF: a signed-in form carries a token derived from the session token (SHA-256 of a label and
 * the token), so it is tied to the session, survives restarts and needs no storage; nobody who
 * cannot read the HttpOnly cookie can compute it. A signed-out form (sign in, sign up) uses a
 * signed double-submit token: a random cookie, and in the form its HMAC under a key this process
 * made at start, so a cookie planted by a neighbouring site is useless without the key.
 */
public final class BrowserSessions {
    static final String SESSION_COOKIE = "kindred_session";
    static final String PRE_SESSION_COOKIE = "kindred_csrf";
    public static final String CSRF_FIELD = "csrf";
    private static final String MEMBER = "kindred.member";
    private static final String FRESH_PRE_SESSION = "kindred.preSession";

    private final SessionService sessions;
    private final boolean secure;
    private final SecureRandom random = new SecureRandom();
    private final byte[] formKey = new byte[32];

    public BrowserSessions(SessionService sessions, boolean secure) {
        this.sessions = sessions;
        this.secure = secure;
        random.nextBytes(formKey);
    }

    /** The signed-in member, or empty when there is no cookie or its session ended. */
    /** Whether the request carries a session cookie at all (even an ended one): such a reader is never sent a shared page. */
    public static boolean hasSessionCookie(Context ctx) {
        return ctx.cookie(SESSION_COOKIE) != null;
    }

    public Optional<Member> member(Context ctx) {
        Optional<Member> cached = ctx.attribute(MEMBER);
        if (cached != null) return cached;
        var token = ctx.cookie(SESSION_COOKIE);
        Optional<Member> member = Optional.empty();
        if (token != null && !token.isBlank()) {
            try {
                member = Optional.of(sessions.member(token));
            } catch (Refusal expiredOrUnknown) {
                // An ended session reads as signed out; the stale cookie is replaced at the next sign-in.
            }
        }
        ctx.attribute(MEMBER, member);
        return member;
    }

    public void signIn(Context ctx, SessionService.Issued issued) {
        ctx.res().addHeader("Set-Cookie", cookie(SESSION_COOKIE, issued.token(), SessionService.LIFETIME.toSeconds()));
        ctx.attribute(MEMBER, Optional.of(issued.member()));
    }

    /** Ends the session in the store (the API's token too: it is the same one) and forgets the cookie. */
    public void signOut(Context ctx) {
        var token = ctx.cookie(SESSION_COOKIE);
        if (token != null && member(ctx).isPresent()) sessions.logOut(token);
        ctx.res().addHeader("Set-Cookie", cookie(SESSION_COOKIE, "", 0));
        ctx.attribute(MEMBER, Optional.empty());
    }

    /**
     * The session token of a signed-in browser, for the account settings that act on "this session"
     * (list, end the others, change the password); null when nobody is signed in.
     */
    public String sessionToken(Context ctx) {
        var token = ctx.cookie(SESSION_COOKIE);
        return token != null && member(ctx).isPresent() ? token : null;
    }

    /** Only the cookie goes: the member's sessions already ended on the server (they scheduled their account's deletion). */
    public void forgetEnded(Context ctx) {
        ctx.res().addHeader("Set-Cookie", cookie(SESSION_COOKIE, "", 0));
        ctx.attribute(MEMBER, Optional.empty());
    }

    /** The token a form on this page must send back; for a signed-out reader this may set the pre-session cookie. */
    public String csrfToken(Context ctx) {
        var session = ctx.cookie(SESSION_COOKIE);
        if (session != null && member(ctx).isPresent()) return sessionBound(session);
        String pre = ctx.attribute(FRESH_PRE_SESSION);
        if (pre == null) pre = ctx.cookie(PRE_SESSION_COOKIE);
        if (pre == null || pre.length() < 20) {
            var bytes = new byte[24];
            random.nextBytes(bytes);
            pre = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            // Lives as long as the browser does: a form left open in a tab still works.
            ctx.res().addHeader("Set-Cookie", cookie(PRE_SESSION_COOKIE, pre, -1));
            ctx.attribute(FRESH_PRE_SESSION, pre);
        }
        return signed(pre);
    }

    /** Whether the request's form carries the token its session (or pre-session cookie) calls for. */
    public boolean csrfValid(Context ctx) {
        var sent = ctx.formParam(CSRF_FIELD);
        if (sent == null || sent.isEmpty()) return false;
        var session = ctx.cookie(SESSION_COOKIE);
        if (session != null && member(ctx).isPresent()) return same(sent, sessionBound(session));
        var pre = ctx.cookie(PRE_SESSION_COOKIE);
        return pre != null && same(sent, signed(pre));
    }

    private String cookie(String name, String value, long maxAgeSeconds) {
        return name + "=" + value + "; Path=/; HttpOnly; SameSite=Lax" + (secure ? "; Secure" : "")
                + (maxAgeSeconds >= 0 ? "; Max-Age=" + maxAgeSeconds : "");
    }

    private static String sessionBound(String sessionToken) {
        try {
            var digest = MessageDigest.getInstance("SHA-256")
                    .digest(("kindred form token:" + sessionToken).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    private String signed(String preSession) {
        try {
            var mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(formKey, "HmacSHA256"));
            return Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(mac.doFinal(preSession.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("every Java has HmacSHA256", e);
        }
    }

    private static boolean same(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
