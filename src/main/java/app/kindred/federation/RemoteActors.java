package app.kindred.federation;

import app.kindred.activitypub.ActivityPubReader;
import app.kindred.activitypub.Image;
import app.kindred.activitypub.ReadResult;
import app.kindred.actor.Actor;
import app.kindred.actor.ActorResolver;
import app.kindred.actor.ActorStore;
import app.kindred.actor.ActorType;
import app.kindred.actor.RemoteActorData;
import app.kindred.media.MediaStore;
import app.kindred.refusal.Refusal;
import app.kindred.remote.FetchException;
import app.kindred.remote.RemoteFetcher;
import app.kindred.storage.Database;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

/**
 * Finds actors on other servers: by handle through WebFinger, or by id, fetched through the safe
 * fetcher, checked by the reader, and stored; a stored copy older than {@link #STALE_AFTER} is
 * fetched again.
 */
public final class RemoteActors implements ActorResolver {
    public static final Duration STALE_AFTER = Duration.ofDays(1);
    private static final String AS_TYPE = "https://www.w3.org/ns/activitystreams#type";
    // Names and hosts are kept to what they can be, so a handle cannot carry a path, query or fragment
    // into the WebFinger URL.
    private static final Pattern HANDLE =
            Pattern.compile("^(acct:|[!@])?([\\p{L}\\p{N}_.~+-]+)@([A-Za-z0-9.-]+|\\[[0-9A-Fa-f:.]+])(:\\d{1,5})?$");

    private final Database db;
    private final ActorStore actors;
    private final RemoteFetcher fetcher;
    private final String scheme;
    private final Clock clock;
    private final ActivityPubReader reader = new ActivityPubReader();
    private volatile BiConsumer<Actor, JsonNode> groupFetched = (group, document) -> {};

    public RemoteActors(Database db, ActorStore actors, RemoteFetcher fetcher, String scheme, Clock clock) {
        this.db = db;
        this.actors = actors;
        this.fetcher = fetcher;
        this.scheme = scheme;
        this.clock = clock;
    }

    @Override
    public Actor resolve(String handleOrUrl) throws FetchException {
        var text = handleOrUrl == null ? "" : handleOrUrl.strip();
        if (text.startsWith("https://") || text.startsWith("http://")) return byUri(actorUrl(text));
        var m = HANDLE.matcher(text);
        if (!m.matches()) {
            throw Refusal.invalid("handle", "\"" + text + "\" is not a handle like !community@example.org or a URL");
        }
        var wantsGroup = "!".equals(m.group(1));
        var name = m.group(2);
        var host = m.group(3).toLowerCase(Locale.ROOT) + (m.group(4) == null ? "" : m.group(4));
        var resource = "acct:" + name + "@" + host;
        var jrd = fetcher.getJson(
                URI.create(scheme + "://" + host + "/.well-known/webfinger?resource="
                        + URLEncoder.encode(resource, StandardCharsets.UTF_8)),
                "application/jrd+json, application/json");
        JsonNode chosen = null;
        for (var link : jrd.path("links")) {
            var type = link.path("type").asText("");
            if (link.path("rel").asText("").equals("self")
                    && (type.startsWith("application/activity+json") || type.startsWith("application/ld+json"))) {
                if (chosen == null) chosen = link;
                // Lemmy names a user and a community of the same name in one answer, typed by a property.
                var actorType = link.path("properties").path(AS_TYPE).asText("");
                if (!actorType.isEmpty() && wantsGroup == actorType.equals("Group")) {
                    chosen = link;
                    break;
                }
            }
        }
        if (chosen == null) {
            throw new FetchException(
                    FetchException.Reason.NOT_FOUND, "WebFinger for " + resource + " names no ActivityPub actor");
        }
        return byUri(uri(chosen.path("href").asText(), "WebFinger self link for " + resource));
    }

    private static URI actorUrl(String text) {
        try {
            var uri = new URI(text);
            if (uri.getHost() != null) return uri;
        } catch (URISyntaxException e) {
            // Refused below, with the same message as a URL without a host.
        }
        throw Refusal.invalid("handle", "\"" + text + "\" is not a valid URL");
    }

    /** A URL the remote sent us; one we cannot parse makes its document malformed. */
    private static URI uri(String text, String what) throws FetchException {
        try {
            return new URI(text);
        } catch (URISyntaxException e) {
            throw new FetchException(FetchException.Reason.MALFORMED, what + " is not a URL: " + text);
        }
    }

    private static URI optionalUri(String text, String what) throws FetchException {
        return text == null ? null : uri(text, what);
    }

    /** The stored actor when fresh, else fetched from its server. */
    public Actor byUri(URI uri) throws FetchException {
        var stored = db.read(c -> actors.findByUri(c, uri));
        if (stored.isPresent() && (stored.get().local() || !stale(stored.get()))) return stored.get();
        return fetchAndStore(uri);
    }

    private boolean stale(Actor actor) {
        return actor.fetchedAt() == null || actor.fetchedAt().plus(STALE_AFTER).isBefore(clock.instant());
    }

    public Actor fetchAndStore(URI uri) throws FetchException {
        var document = fetcher.getActivityJson(uri);
        var actor = store(uri, document);
        if (actor.type() == ActorType.GROUP) groupFetched.accept(actor, document);
        return actor;
    }

    /**
     * Told of every Group fetched from its origin, so what we keep of a community (profile,
     * moderators) follows it; set once when the application is built ({@link RemoteCommunities}).
     */
    public void whenGroupFetched(BiConsumer<Actor, JsonNode> listener) {
        this.groupFetched = listener;
    }

    /**
     * The same lookups through another pool (the background one, for inbound processing), told of
     * fetched groups alike; call it once the listener is set.
     */
    public RemoteActors through(Database other) {
        var copy = new RemoteActors(other, actors, fetcher, scheme, clock);
        copy.groupFetched = groupFetched;
        return copy;
    }

    /** The actor as stored, without fetching. */
    public Optional<Actor> known(URI uri) {
        return db.read(c -> actors.findByUri(c, uri));
    }

    /** Stores an actor document that was fetched from its own origin. */
    public Actor store(URI uri, JsonNode node) throws FetchException {
        var result = reader.read(node);
        if (!(result instanceof ReadResult.Supported s)
                || !(s.document() instanceof app.kindred.activitypub.Actor wire)) {
            throw new FetchException(FetchException.Reason.MALFORMED, uri + " is not an actor we can read: " + result);
        }
        var type = ActorType.fromWire(wire.type().name())
                .orElseThrow(() -> new FetchException(FetchException.Reason.MALFORMED, "unknown actor type at " + uri));
        var ed25519 = wire.assertionMethod().stream()
                .filter(k ->
                        k.publicKeyMultibase() != null && k.publicKeyMultibase().startsWith("z6Mk"))
                .findFirst();
        var id = uri(wire.id(), "the id of " + uri);
        // Our own actors are written by us only; a document that claims to be one is not believed.
        var existing = db.read(c -> actors.findByUri(c, id));
        if (existing.isPresent() && existing.get().local()) {
            throw new FetchException(
                    FetchException.Reason.ORIGIN_MISMATCH,
                    "the document fetched from " + uri + " claims to be our own actor " + id);
        }
        var data = new RemoteActorData(
                id,
                type,
                wire.preferredUsername() == null ? "" : wire.preferredUsername(),
                wire.name(),
                uri(wire.inbox(), "the inbox of " + id),
                optionalUri(wire.sharedInbox(), "the shared inbox of " + id),
                optionalUri(wire.outbox(), "the outbox of " + id),
                optionalUri(wire.followers(), "the followers of " + id),
                wire.publicKey() == null ? null : wire.publicKey().id(),
                wire.publicKey() == null ? null : wire.publicKey().publicKeyPem(),
                ed25519.map(k -> k.id()).orElse(null),
                ed25519.map(k -> k.publicKeyMultibase()).orElse(null));
        URI featured;
        try {
            featured = optionalUri(wire.featured(), "the featured collection of " + id);
        } catch (FetchException e) {
            featured = null; // only pins need it, and they fall back to {actor}/featured
        }
        var featuredUri = featured != null && RemoteFetcher.sameOrigin(featured, id) ? featured : null;
        return db.transaction(c -> {
            var actor = actors.upsertRemote(c, data);
            ActorStore.followOriginSuspension(c, actor.id(), Boolean.TRUE.equals(wire.suspended()));
            actors.setFeatured(c, actor.id(), featuredUri);
            // Avatars, icons and banners are shown through our media proxy, never linked directly.
            new MediaStore().setRemoteImages(c, actor.id(), imageUrl(wire.icon()), imageUrl(wire.image()));
            return actor;
        });
    }

    /** An icon's or banner's address when it is http(s) and of a sane length; anything else is not kept. */
    private static String imageUrl(Image image) {
        if (image == null || image.url() == null || image.url().length() > 2000) return null;
        var url = image.url().strip();
        var lower = url.toLowerCase(Locale.ROOT);
        return lower.startsWith("https://") || lower.startsWith("http://") ? url : null;
    }
}
