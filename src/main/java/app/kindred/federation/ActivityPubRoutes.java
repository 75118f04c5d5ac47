package app.kindred.federation;

import app.kindred.activitypub.ActivityPubDocument;
import app.kindred.activitypub.JsonLd;
import app.kindred.activitypub.Tombstone;
import app.kindred.actor.Actor;
import app.kindred.actor.ActorType;
import app.kindred.policy.FederationPolicy;
import app.kindred.refusal.Refusal;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * GET endpoints for our actors and their collections, with content negotiation: ActivityPub
 * clients get JSON-LD, browsers a plain HTML page, and every answer varies on Accept.
 */
public final class ActivityPubRoutes {
    public static final String ACTIVITY_JSON = "application/activity+json";
    private static final int MAX_PAGE = 100_000;

    private final LocalDocuments documents;
    private final JsonLd jsonLd = new JsonLd();
    private final Actor instanceActor;
    private final RequestAuthenticator authenticator;
    private final URI base;
    private final boolean authorizedFetch;
    private final FederationPolicy policy;

    public ActivityPubRoutes(
            LocalDocuments documents,
            Actor instanceActor,
            RequestAuthenticator authenticator,
            URI base,
            boolean authorizedFetch,
            FederationPolicy policy) {
        this.documents = documents;
        this.instanceActor = instanceActor;
        this.authenticator = authenticator;
        this.base = base;
        this.authorizedFetch = authorizedFetch;
        this.policy = policy;
    }

    public void register(RoutesConfig routes) {
        register(routes, Map.of());
    }

    /**
     * @param browserPages the web interface's handler for a route (by its path pattern) that a browser
     *                     asking for HTML gets instead of the plain page below
     */
    public void register(RoutesConfig routes, Map<String, Handler> browserPages) {
        routes.exception(Departed.class, (e, ctx) -> {
            ctx.status(410);
            render(ctx, e.tombstone, "Gone");
        });
        // The instance actor stays open and unverified: others fetch it to check our own signatures.
        routes.get("/actor", ctx -> render(ctx, documents.instanceActor(instanceActor), instanceActor.name()));
        routes.get("/actor/outbox", ctx -> respond(ctx, documents.outbox(instanceActor, page(ctx)), "Outbox"));
        // The instance actor's document names a followers collection, so it must dereference too.
        routes.get("/actor/followers", ctx -> respond(ctx, documents.followers(instanceActor), "Followers"));
        routes.get("/inbox", ActivityPubRoutes::inboxGet);
        routes.get("/actor/inbox", ActivityPubRoutes::inboxGet);

        routes.get("/u/{name}", ctx -> {
            if (browserPage(ctx, browserPages.get("/u/{name}"))) return;
            var member = find(ctx, ActorType.PERSON);
            respond(ctx, documents.member(member), member.name());
        });
        routes.get("/u/{name}/inbox", ctx -> {
            find(ctx, ActorType.PERSON);
            inboxGet(ctx);
        });
        collection(routes, "/u/{name}/outbox", ActorType.PERSON, (ctx, a) -> documents.outbox(a, page(ctx)));
        collection(routes, "/u/{name}/followers", ActorType.PERSON, (ctx, a) -> documents.followers(a));
        collection(routes, "/u/{name}/following", ActorType.PERSON, (ctx, a) -> documents.following(a));

        routes.get("/c/{name}", ctx -> {
            if (browserPage(ctx, browserPages.get("/c/{name}"))) return;
            var community = find(ctx, ActorType.GROUP);
            respond(ctx, documents.community(community), community.name());
        });
        routes.get("/c/{name}/inbox", ctx -> {
            find(ctx, ActorType.GROUP);
            inboxGet(ctx);
        });
        collection(routes, "/c/{name}/outbox", ActorType.GROUP, (ctx, a) -> documents.outbox(a, page(ctx)));
        collection(routes, "/c/{name}/followers", ActorType.GROUP, (ctx, a) -> documents.followers(a));
        collection(routes, "/c/{name}/moderators", ActorType.GROUP, (ctx, a) -> documents.moderators(a));
        collection(routes, "/c/{name}/featured", ActorType.GROUP, (ctx, a) -> documents.featured(a));

        // Issue 17: the pseudonyms anonymous posts are published under, actors of the community's own.
        routes.get("/c/{name}/anonymous/{token}", ctx -> {
            var actor = pseudonym(ctx);
            respond(ctx, documents.pseudonymDocument(actor), actor.name());
        });
        routes.get("/c/{name}/anonymous/{token}/inbox", ctx -> {
            pseudonym(ctx);
            inboxGet(ctx);
        });
        routes.get(
                "/c/{name}/anonymous/{token}/outbox",
                ctx -> respond(ctx, documents.outbox(pseudonym(ctx), page(ctx)), "Outbox"));
        routes.get(
                "/c/{name}/anonymous/{token}/followers",
                ctx -> respond(ctx, documents.followers(pseudonym(ctx)), "Followers"));

        routes.get("/p/{id}", ctx -> {
            if (browserPage(ctx, browserPages.get("/p/{id}"))) return;
            // Signed or not, the signer is known first: a private community's posts answer only its members' servers.
            var signed = RequestAuthenticator.isSigned(IncomingRequests.parts(ctx, base, new byte[0]));
            var signer = (signed || wantsActivityJson(ctx.header("Accept")) ? authorize(ctx) : Optional.<URI>empty())
                    .map(URI::getRawAuthority)
                    .orElse(null);
            var post = documents
                    .post(ctx.pathParam("id"), signer)
                    .orElseThrow(() -> Refusal.notFound("there is no post here"));
            render(ctx, post, "Post");
        });
        for (var prefix : new String[] {"/u/{name}", "/c/{name}", "/actor"}) {
            routes.get(prefix + "/activities/{kind}/{id}", ctx -> {
                var json = documents
                        .activity(URI.create(base + ctx.path()))
                        .orElseThrow(() -> Refusal.notFound("there is no activity here"));
                authorize(ctx);
                ctx.header("Vary", "Accept");
                send(ctx, ACTIVITY_JSON, json.getBytes(StandardCharsets.UTF_8));
            });
        }
    }

    /** Hands a browser's request to the web interface's page; true when it did. */
    private static boolean browserPage(Context ctx, Handler page) throws Exception {
        if (page == null || !wantsHtml(ctx.header("Accept"))) return false;
        page.handle(ctx);
        return true;
    }

    /**
     * A browser names text/html; an ActivityPub client names its own types and is never given a page.
     * No Accept (or only *&#47;*) keeps the plain page it got before the web interface existed.
     */
    static boolean wantsHtml(String accept) {
        if (accept == null || wantsActivityJson(accept)) return false;
        var a = accept.toLowerCase(Locale.ROOT);
        return a.contains("text/html") || a.contains("application/xhtml+xml");
    }

    /**
     * Inboxes take deliveries by POST only. A GET answers 405 (the web server's 405 handler writes
     * the problem body), so a peer probing an id learns the inbox exists instead of seeing a 404.
     */
    private static void inboxGet(Context ctx) {
        ctx.header("Allow", "POST").status(405);
    }

    private void collection(
            RoutesConfig routes, String path, ActorType type, BiFunction<Context, Actor, ActivityPubDocument> render) {
        routes.get(path, ctx -> {
            var actor = find(ctx, type);
            respond(
                    ctx,
                    render.apply(ctx, actor),
                    actor.preferredUsername() + ": " + path.substring(path.lastIndexOf('/') + 1));
        });
    }

    private Actor pseudonym(Context ctx) {
        return documents
                .pseudonym(ctx.pathParam("name"), ctx.pathParam("token"))
                .orElseThrow(() -> Refusal.notFound("there is no anonymous member here"));
    }

    private Actor find(Context ctx, ActorType type) {
        var name = ctx.pathParam("name");
        var actor = documents
                .local(type, name)
                .orElseThrow(() -> Refusal.notFound(
                        (type == ActorType.GROUP ? "there is no community " : "there is no member ") + name + " here"));
        var departed = documents.departed(actor);
        if (departed.isPresent()) throw new Departed(departed.get());
        return actor;
    }

    /** Our member deleted their account: their actor and its collections answer 410 Gone with a Tombstone. */
    private static final class Departed extends RuntimeException {
        private final Tombstone tombstone;

        Departed(Tombstone tombstone) {
            super("this member deleted their account", null, false, false);
            this.tombstone = tombstone;
        }
    }

    /** A page number from ?page=, 1 or more; anything else is the client's error. */
    static Optional<Integer> page(Context ctx) {
        var raw = ctx.queryParam("page");
        if (raw == null) return Optional.empty();
        try {
            int page = Integer.parseInt(raw);
            if (page >= 1 && page <= MAX_PAGE) return Optional.of(page);
        } catch (NumberFormatException ignored) {
            // refused below
        }
        throw new Refusal(Refusal.Kind.BAD_REQUEST, "page", "page must be a whole number from 1 to " + MAX_PAGE);
    }

    /**
     * Signed GETs are verified, so we know who asks; with authorized fetch on, only they are
     * answered with ActivityPub JSON.
     */
    private void respond(Context ctx, ActivityPubDocument document, String title) {
        if (wantsActivityJson(ctx.header("Accept"))) authorize(ctx);
        render(ctx, document, title);
    }

    /** Checks a GET's signature (required with authorized fetch on); returns who signed it, if anyone did. */
    private Optional<URI> authorize(Context ctx) {
        var request = IncomingRequests.parts(ctx, base, new byte[0]);
        if (RequestAuthenticator.isSigned(request)) {
            // A blocked signer is refused before its key is fetched, which the fetcher would refuse anyway (a 401).
            var keyHost = IncomingRequests.keyHost(ctx);
            if (keyHost != null && !policy.federates(keyHost)) {
                ctx.header("Vary", "Accept");
                throw new Refusal(Refusal.Kind.FORBIDDEN, null, "this instance does not federate with " + keyHost);
            }
            var outcome = authenticator.authenticate(request);
            if (outcome instanceof RequestAuthenticator.Authenticated who
                    && !policy.federates(who.actor().getRawAuthority())) {
                ctx.header("Vary", "Accept");
                throw new Refusal(
                        Refusal.Kind.FORBIDDEN,
                        null,
                        "this instance does not federate with " + who.actor().getRawAuthority());
            }
            if (outcome instanceof RequestAuthenticator.Rejected rejected) {
                ctx.header("Vary", "Accept");
                throw new Refusal(
                        Refusal.Kind.UNAUTHORIZED,
                        null,
                        "the signature on this request was not accepted: "
                                + rejected.reason()
                                        .name()
                                        .toLowerCase(Locale.ROOT)
                                        .replace('_', ' ') + " (" + rejected.detail() + ")");
            }
            if (outcome instanceof RequestAuthenticator.Authenticated who) return Optional.of(who.actor());
        } else if (authorizedFetch) {
            ctx.header("Vary", "Accept");
            throw new Refusal(
                    Refusal.Kind.UNAUTHORIZED,
                    null,
                    "this server requires a signed request (authorized fetch); sign the GET with your actor's key");
        }
        return Optional.empty();
    }

    private void render(Context ctx, ActivityPubDocument document, String title) {
        ctx.header("Vary", "Accept");
        if (wantsActivityJson(ctx.header("Accept"))) {
            send(ctx, ACTIVITY_JSON, jsonLd.write(document));
        } else {
            send(
                    ctx,
                    "text/html; charset=utf-8",
                    HtmlPage.render(title, document).getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * Answers with an ETag made from what is sent, and 304 without a body when the client already
     * holds it (If-None-Match): servers that poll actors and collections cost us a hash, not a transfer.
     */
    static void send(Context ctx, String contentType, byte[] body) {
        var etag = etag(contentType, body);
        ctx.header("ETag", etag);
        if (matches(ctx.header("If-None-Match"), etag)) {
            ctx.status(304);
            return;
        }
        ctx.contentType(contentType).result(body);
    }

    static String etag(String contentType, byte[] body) {
        try {
            var digest = MessageDigest.getInstance("SHA-256");
            digest.update(contentType.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(body);
            return "\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest.digest(), 18))
                    + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    /** If-None-Match compares weakly (RFC 9110 13.1.2): W/"x" matches "x", and * matches anything. */
    static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) return false;
        for (var candidate : ifNoneMatch.split(",")) {
            var tag = candidate.strip();
            if (tag.equals("*")) return true;
            if (tag.startsWith("W/")) tag = tag.substring(2);
            if (tag.equals(etag)) return true;
        }
        return false;
    }

    /** application/activity+json, or application/ld+json (with or without the ActivityStreams profile). */
    static boolean wantsActivityJson(String accept) {
        if (accept == null) return false;
        var a = accept.toLowerCase(Locale.ROOT);
        return a.contains("application/activity+json") || a.contains("application/ld+json");
    }
}
