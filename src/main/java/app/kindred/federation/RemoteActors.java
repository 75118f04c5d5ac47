package app.kindred.federation;

import app.kindred.Refusal;
import app.kindred.activitypub.ActivityPubReader;
import app.kindred.activitypub.ReadResult;
import app.kindred.actor.Actor;
import app.kindred.actor.ActorStore;
import app.kindred.actor.ActorType;
import app.kindred.actor.RemoteActorData;
import app.kindred.remote.FetchException;
import app.kindred.remote.RemoteFetcher;
import app.kindred.storage.Database;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Finds actors on other servers: by handle through WebFinger, or by id, fetched through the safe
 * fetcher, checked by the reader, and stored; a stored copy older than {@link #STALE_AFTER} is
 * fetched again.
 */
public final class RemoteActors {
    public static final Duration STALE_AFTER = Duration.ofDays(1);
    private static final Pattern HANDLE = Pattern.compile("^(?:acct:|[!@])?([^@\\s/]+)@([^@\\s/]+)$");

    private final Database db;
    private final ActorStore actors;
    private final RemoteFetcher fetcher;
    private final String scheme;
    private final Clock clock;
    private final ActivityPubReader reader = new ActivityPubReader();

    public RemoteActors(Database db, ActorStore actors, RemoteFetcher fetcher, String scheme, Clock clock) {
        this.db = db;
        this.actors = actors;
        this.fetcher = fetcher;
        this.scheme = scheme;
        this.clock = clock;
    }

    /** `!name@host`, `@name@host`, `name@host`, `acct:name@host`, or an actor's URL. */
    public Actor resolve(String handleOrUrl) throws FetchException {
        var text = handleOrUrl == null ? "" : handleOrUrl.strip();
        if (text.startsWith("https://") || text.startsWith("http://")) return byUri(URI.create(text));
        var m = HANDLE.matcher(text);
        if (!m.matches()) {
            throw Refusal.invalid("handle", "\"" + text + "\" is not a handle like !community@example.org or a URL");
        }
        var name = m.group(1);
        var host = m.group(2).toLowerCase(Locale.ROOT);
        var resource = "acct:" + name + "@" + host;
        var jrd = fetcher.getJson(URI.create(scheme + "://" + host + "/.well-known/webfinger?resource="
                + URLEncoder.encode(resource, StandardCharsets.UTF_8)), "application/jrd+json, application/json");
        for (var link : jrd.path("links")) {
            var type = link.path("type").asText("");
            if (link.path("rel").asText("").equals("self")
                    && (type.startsWith("application/activity+json") || type.startsWith("application/ld+json"))) {
                return fetchAndStore(URI.create(link.path("href").asText()));
            }
        }
        throw new FetchException(FetchException.Reason.NOT_FOUND, "WebFinger for " + resource + " names no ActivityPub actor");
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
        return store(uri, fetcher.getActivityJson(uri));
    }

    /** Stores an actor document that was fetched from its own origin. */
    public Actor store(URI uri, com.fasterxml.jackson.databind.JsonNode node) throws FetchException {
        var result = reader.read(node);
        if (!(result instanceof ReadResult.Supported s) || !(s.document() instanceof app.kindred.activitypub.Actor wire)) {
            throw new FetchException(FetchException.Reason.MALFORMED, uri + " is not an actor we can read: " + result);
        }
        var type = ActorType.fromWire(wire.type().name())
                .orElseThrow(() -> new FetchException(FetchException.Reason.MALFORMED, "unknown actor type at " + uri));
        var ed25519 = wire.assertionMethod().stream()
                .filter(k -> k.publicKeyMultibase() != null && k.publicKeyMultibase().startsWith("z6Mk"))
                .findFirst();
        var data = new RemoteActorData(URI.create(wire.id()), type,
                wire.preferredUsername() == null ? "" : wire.preferredUsername(), wire.name(), URI.create(wire.inbox()),
                wire.sharedInbox() == null ? null : URI.create(wire.sharedInbox()),
                wire.outbox() == null ? null : URI.create(wire.outbox()),
                wire.followers() == null ? null : URI.create(wire.followers()),
                wire.publicKey() == null ? null : wire.publicKey().id(),
                wire.publicKey() == null ? null : wire.publicKey().publicKeyPem(),
                ed25519.map(k -> k.id()).orElse(null), ed25519.map(k -> k.publicKeyMultibase()).orElse(null));
        return db.transaction(c -> actors.upsertRemote(c, data));
    }
}
