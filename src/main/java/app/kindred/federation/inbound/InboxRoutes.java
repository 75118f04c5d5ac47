package app.kindred.federation.inbound;

import app.kindred.activitypub.ActivityPubJson;
import app.kindred.actor.ActorStore;
import app.kindred.actor.ActorType;
import app.kindred.actor.LocalIds;
import app.kindred.content.StorableText;
import app.kindred.delivery.HostHealth;
import app.kindred.federation.IncomingRequests;
import app.kindred.federation.RequestAuthenticator;
import app.kindred.federation.queue.InboundActivity;
import app.kindred.federation.queue.InboundQueue;
import app.kindred.federation.signature.SignatureScheme;
import app.kindred.http.Problem;
import app.kindred.policy.FederationPolicy;
import app.kindred.ratelimit.RateLimits;
import app.kindred.ratelimit.RateLimits.Limit;
import app.kindred.refusal.Refusal;
import app.kindred.remote.FetchException;
import app.kindred.remote.RemoteFetcher;
import app.kindred.storage.Database;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The doors other servers knock on. A POST is bounded, parsed, its signature verified, its actor
 * matched to the signing key, stored once by activity id, and answered 202; processing happens
 * later from the stored copy, so a slow handler never holds a remote server's connection.
 */
public final class InboxRoutes {
    private static final Logger log = LoggerFactory.getLogger(InboxRoutes.class);

    private final Database db;
    private final ActorStore actors;
    private final LocalIds ids;
    private final RequestAuthenticator authenticator;
    private final HostHealth hostHealth;
    private final InboundProcessor processor;
    private final FederationPolicy policy;
    private final int blockedResponse;
    private final RateLimits limits;
    private final RemoteFetcher fetcher;
    private final InboundQueue inbound = new InboundQueue();
    // "{...} junk" and a key given twice are refused: a lenient parse would store a different document
    // than other parsers read.
    private final ObjectMapper json = ActivityPubJson.networkReader();

    public InboxRoutes(
            Database db,
            ActorStore actors,
            LocalIds ids,
            RequestAuthenticator authenticator,
            HostHealth hostHealth,
            InboundProcessor processor,
            FederationPolicy policy,
            int blockedResponse,
            RateLimits limits,
            RemoteFetcher fetcher) {
        this.fetcher = fetcher;
        this.limits = limits;
        this.db = db;
        this.actors = actors;
        this.ids = ids;
        this.authenticator = authenticator;
        this.hostHealth = hostHealth;
        this.processor = processor;
        this.policy = policy;
        this.blockedResponse = blockedResponse;
    }

    public void register(RoutesConfig routes) {
        routes.post("/inbox", ctx -> receive(ctx, ids.sharedInbox()));
        routes.post("/actor/inbox", ctx -> receive(ctx, URI.create(ids.instanceActor() + "/inbox")));
        routes.post("/u/{name}/inbox", ctx -> receive(ctx, personalInbox(ctx, ActorType.PERSON)));
        routes.post("/c/{name}/inbox", ctx -> receive(ctx, personalInbox(ctx, ActorType.GROUP)));
        // Issue 17: a pseudonym's inbox (a reply that mentions it lands here); it is read as the shared inbox is.
        routes.post("/c/{name}/anonymous/{token}/inbox", ctx -> {
            var uri = URI.create(ids.community(ctx.pathParam("name")) + "/anonymous/" + ctx.pathParam("token"));
            var actor = db.read(c -> actors.findByUri(c, uri))
                    .filter(a -> a.local() && a.type() == ActorType.PERSON)
                    .orElseThrow(() -> Refusal.notFound("there is no inbox for that anonymous member here"));
            receive(ctx, actor.inbox());
        });
    }

    private URI personalInbox(Context ctx, ActorType type) {
        var name = ctx.pathParam("name");
        // Local actors are never deleted or renamed, so an inbox once found stays right; unknown names are not kept.
        var known = inboxes.get(type + ":" + name);
        if (known != null) return known;
        var actor = db.read(c -> actors.findLocal(c, name))
                .filter(a -> a.type() == type)
                .orElseThrow(() -> Refusal.notFound("there is no inbox for " + name + " here"));
        if (inboxes.size() < 10_000) inboxes.put(type + ":" + name, actor.inbox());
        return actor.inbox();
    }

    private final Map<String, URI> inboxes = new ConcurrentHashMap<>();

    private void receive(Context ctx, URI inbox) {
        var contentType = String.valueOf(ctx.contentType()).toLowerCase(Locale.ROOT);
        if (!(contentType.startsWith("application/activity+json")
                || contentType.startsWith("application/ld+json")
                || contentType.startsWith("application/json"))) {
            Problem.send(ctx, 415, "Unsupported content type", "send activities as application/activity+json", null);
            return;
        }
        var body = ctx.bodyAsBytes();
        JsonNode activity;
        try {
            activity = json.readTree(body);
        } catch (IOException e) {
            Problem.send(ctx, 400, "The activity is not valid JSON", firstLine(e.getMessage()), null);
            return;
        }
        if (activity == null || !activity.isObject()) {
            Problem.send(ctx, 400, "The activity is not a JSON object", "send one activity as a JSON object", null);
            return;
        }
        // Text PostgreSQL refuses (NUL, a lone surrogate) is taken out here, once, as docs/federation.md
        // says: refusing would only make the sender retry for days. The signature covers the bytes sent.
        var storable = StorableText.storable(activity);
        boolean cleaned = storable != activity;
        activity = storable;
        var id = activity.path("id").asText("");
        var type = activity.path("type").asText("");
        var actor = activity.path("actor").isObject()
                ? activity.path("actor").path("id").asText("")
                : activity.path("actor").asText("");
        var idUri = absolute(id);
        var actorUri = absolute(actor);
        if (idUri == null || actorUri == null || type.isEmpty()) {
            Problem.send(
                    ctx,
                    400,
                    "The activity lacks an id, type or actor",
                    "an activity needs an absolute http(s) id, a type and an actor",
                    null);
            return;
        }

        // Blocked before any processing: no key fetch, nothing stored.
        if (!policy.federates(actorUri.getRawAuthority()) || !policy.federates(IncomingRequests.keyHost(ctx))) {
            refuseBlocked(ctx, type, inbox);
            return;
        }
        var outcome = authenticator.authenticate(IncomingRequests.parts(ctx, ids.base(), body));
        if (outcome instanceof RequestAuthenticator.Rejected
                && departureConfirmedAtOrigin(type, activity, idUri, actorUri)) {
            // The person's own server says they are gone: their Delete{Person} is believed without the
            // signature, but not its removeData, which anyone could have written (Mastodon's meaning: delete).
            var copy = activity.deepCopy();
            ((com.fasterxml.jackson.databind.node.ObjectNode) copy).remove("removeData");
            store(ctx, inbox, id, type, actor, actorUri, copy, copy.toString(), "origin");
            return;
        }
        if (outcome instanceof RequestAuthenticator.Rejected rejected) {
            log.info("refused a {} for {}: {} ({})", type, inbox, rejected.reason(), rejected.detail());
            Problem.send(
                    ctx,
                    401,
                    "Signature not accepted: "
                            + rejected.reason().name().toLowerCase(Locale.ROOT).replace('_', ' '),
                    rejected.detail(),
                    null);
            return;
        }
        var signer = (RequestAuthenticator.Authenticated) outcome;
        if (!policy.federates(signer.actor().getRawAuthority())) {
            refuseBlocked(ctx, type, inbox);
            return;
        }
        if (!signer.actor().equals(actorUri)) {
            log.info("refused a {} for {}: signed by {} but claims actor {}", type, inbox, signer.actor(), actorUri);
            Problem.send(
                    ctx,
                    401,
                    "Signature not accepted: owner mismatch",
                    "the request is signed by " + signer.actor() + " but the activity's actor is " + actorUri,
                    null);
            return;
        }
        if (!RemoteFetcher.sameOrigin(idUri, actorUri)) {
            Problem.send(
                    ctx,
                    400,
                    "The activity id is on another origin than its actor",
                    "an actor can only publish activities with ids on its own origin",
                    null);
            return;
        }
        // Counted after the signature, so nobody can spend another host's share by naming it; past the
        // share the host gets 429 with Retry-After and sends again later, and the inbound table stays bounded.
        limits.take(Limit.INBOUND_HOST, signer.actor().getRawAuthority().toLowerCase(Locale.ROOT));
        var scheme = signer.scheme() == SignatureScheme.RFC9421 ? "rfc9421" : "cavage";
        // Stored as sent (the JSON was checked above): serialising the tree again would only cost time.
        var text = cleaned ? activity.toString() : new String(body, StandardCharsets.UTF_8);
        store(ctx, inbox, id, type, actor, actorUri, activity, text, scheme);
    }

    /**
     * A Delete{Person} (object = actor, id on the actor's origin) from an actor we know, whose own server
     * answers 410 or a Tombstone for it when we ask: the person deleted their account, and the key that
     * would verify the signature may be gone with it. Asked at most as often as the host may deliver.
     */
    private boolean departureConfirmedAtOrigin(String type, JsonNode activity, URI idUri, URI actorUri) {
        if (!type.equals("Delete") || !RemoteFetcher.sameOrigin(idUri, actorUri)) return false;
        var object = activity.path("object").isObject()
                ? activity.path("object").path("id").asText("")
                : activity.path("object").asText("");
        if (!object.equals(actorUri.toString())) return false;
        var known = db.read(c -> actors.findByUri(c, actorUri));
        if (known.isEmpty() || known.get().local()) return false;
        limits.take(Limit.INBOUND_HOST, actorUri.getRawAuthority().toLowerCase(Locale.ROOT));
        try {
            return fetcher.getActivityJson(actorUri).path("type").asText("").equals("Tombstone");
        } catch (FetchException e) {
            return e.reason() == FetchException.Reason.GONE || e.reason() == FetchException.Reason.NOT_FOUND;
        }
    }

    private void store(
            Context ctx,
            URI inbox,
            String id,
            String type,
            String actor,
            URI actorUri,
            JsonNode activity,
            String text,
            String scheme) {
        // With room in the processor's queue the row is stored leased and handed over, not claimed later.
        boolean handOver = processor.reserve();
        OptionalLong stored = OptionalLong.empty();
        try {
            stored = db.transaction(c -> {
                // A verified request is a sign of life: deliveries parked for its host go out again.
                hostHealth.alive(c, actorUri.getRawAuthority());
                return inbound.receive(
                        c, id, type, actor, inbox.toString(), text, scheme, handOver ? InboundProcessor.LEASE : null);
            });
        } finally {
            if (handOver && stored.isEmpty()) processor.cancel();
        }
        if (stored.isEmpty()) {
            log.debug("activity {} was received before; not processed again", id);
        } else if (handOver) {
            processor.handOver(
                    new InboundActivity(stored.getAsLong(), id, type, actorUri, inbox.toString(), activity, scheme, 1));
        } else {
            processor.stored();
        }
        ctx.status(202);
    }

    private void refuseBlocked(Context ctx, String type, URI inbox) {
        log.info("dropped a {} for {}: its instance is blocked", type, inbox);
        if (blockedResponse == 202) ctx.status(202);
        else
            Problem.send(
                    ctx,
                    403,
                    "This instance does not federate with yours",
                    "deliveries from your instance are refused",
                    null);
    }

    private static URI absolute(String value) {
        try {
            var uri = new URI(value);
            var scheme = uri.getScheme();
            return (("https".equals(scheme) || "http".equals(scheme)) && uri.getHost() != null) ? uri : null;
        } catch (URISyntaxException e) {
            return null;
        }
    }

    private static String firstLine(String message) {
        if (message == null) return "unreadable";
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
