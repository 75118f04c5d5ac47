package app.kindred.federation;

import app.kindred.actor.Actor;
import app.kindred.actor.ActorStore;
import app.kindred.actor.ActorType;
import app.kindred.federation.signature.VerificationKey;
import app.kindred.remote.FetchException;
import app.kindred.remote.RemoteFetcher;
import app.kindred.storage.Database;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the public key behind a signature's keyId and the actor that owns it: from memory, then
 * the database, then the key's own server through the safe fetcher. A key is only accepted when
 * its owner's actor document lists it.
 */
public final class KeyDirectory {
    private static final Logger log = LoggerFactory.getLogger(KeyDirectory.class);
    private static final int CACHE_SIZE = 10_000;
    /** A key is fetched again for rotation at most this often, so bad signatures cannot make us hammer a server. */
    static final Duration REFETCH_INTERVAL = Duration.ofMinutes(1);
    /**
     * A key whose server answered 404 or 410 is not asked for again for this long: deleted accounts'
     * servers keep sending signed Deletes, and anyone can sign with a made-up keyId to make us fetch.
     */
    static final Duration MISSING_FOR = Duration.ofMinutes(5);

    public record OwnedKey(String keyId, URI owner, VerificationKey key) {}

    private final Database db;
    private final ActorStore actors;
    private final RemoteActors remoteActors;
    private final RemoteFetcher fetcher;
    private final Clock clock;
    private final Map<String, OwnedKey> cache = lru();
    private final Map<String, Instant> refetchedAt = lru();

    private final Map<String, Instant> missingUntil = lru();

    /** At most CACHE_SIZE entries, the least recently used going first; guarded by synchronising on the map. */
    private static <V> Map<String, V> lru() {
        return new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > CACHE_SIZE;
            }
        };
    }

    public KeyDirectory(Database db, ActorStore actors, RemoteActors remoteActors, RemoteFetcher fetcher, Clock clock) {
        this.db = db;
        this.actors = actors;
        this.remoteActors = remoteActors;
        this.fetcher = fetcher;
        this.clock = clock;
    }

    public Optional<OwnedKey> find(String keyId) {
        return known(keyId).or(() -> recentlyMissing(keyId) ? Optional.empty() : fetch(keyId));
    }

    private boolean recentlyMissing(String keyId) {
        synchronized (missingUntil) {
            var until = missingUntil.get(keyId);
            return until != null && until.isAfter(clock.instant());
        }
    }

    /** From memory or the database only; never asks the key's server. */
    Optional<OwnedKey> known(String keyId) {
        synchronized (cache) {
            var cached = cache.get(keyId);
            if (cached != null) return Optional.of(cached);
        }
        return db.read(c -> actors.findByKeyId(c, keyId))
                .flatMap(a -> keyOf(a, keyId))
                .flatMap(this::remember);
    }

    /**
     * After a verify failure with a key we already had: fetch it again, in case it was rotated. The
     * interval counts from the last refetch, not from when the key was loaded, so a key rotated just
     * after we first saw it is still picked up; a failed refetch counts too, so a key server that
     * errors is not asked on every bad signature.
     */
    public Optional<OwnedKey> refetch(String keyId) {
        return refetch(keyId, () -> {});
    }

    /** As {@link #refetch(String)}, with {@code beforeFetch} run (and allowed to refuse) only when a fetch is due. */
    public Optional<OwnedKey> refetch(String keyId, Runnable beforeFetch) {
        var now = clock.instant();
        synchronized (refetchedAt) {
            var last = refetchedAt.get(keyId);
            if (last != null && last.plus(REFETCH_INTERVAL).isAfter(now)) return Optional.empty();
            // Claimed before fetching, so concurrent bad signatures make one fetch between them.
            refetchedAt.put(keyId, now);
        }
        beforeFetch.run();
        return fetch(keyId);
    }

    /** From the key's own server, whatever we hold. */
    Optional<OwnedKey> fetch(String keyId) {
        try {
            var document = URI.create(keyId.contains("#") ? keyId.substring(0, keyId.indexOf('#')) : keyId);
            var node = fetcher.getActivityJson(document);
            var type = node.path("type").asText("");
            Actor owner;
            if (ActorType.fromWire(type).isPresent()) {
                owner = remoteActors.store(document, node);
            } else if (node.hasNonNull("owner") || node.hasNonNull("controller")) {
                // A key published as its own document (GoToSocial's /main-key): the owner must list it.
                var ownerUri = URI.create(
                        node.hasNonNull("owner")
                                ? node.get("owner").asText()
                                : node.get("controller").asText());
                owner = remoteActors.fetchAndStore(ownerUri);
            } else {
                log.info("key {} is neither an actor nor a key document (type {})", keyId, type);
                return Optional.empty();
            }
            var key = keyOf(owner, keyId);
            if (key.isEmpty()) log.info("actor {} does not list key {}", owner.uri(), keyId);
            return key.flatMap(this::remember);
        } catch (FetchException | IllegalArgumentException e) {
            log.info("could not load key {}: {}", keyId, e.getMessage());
            if (e instanceof FetchException f
                    && (f.reason() == FetchException.Reason.NOT_FOUND || f.reason() == FetchException.Reason.GONE)) {
                synchronized (missingUntil) {
                    missingUntil.put(keyId, clock.instant().plus(MISSING_FOR));
                }
            }
            return Optional.empty();
        }
    }

    private Optional<OwnedKey> keyOf(Actor actor, String keyId) {
        try {
            if (keyId.equals(actor.publicKeyId()) && actor.publicKeyPem() != null) {
                return Optional.of(new OwnedKey(keyId, actor.uri(), VerificationKey.fromPem(actor.publicKeyPem())));
            }
            if (keyId.equals(actor.ed25519KeyId()) && actor.ed25519Multibase() != null) {
                return Optional.of(
                        new OwnedKey(keyId, actor.uri(), VerificationKey.fromMultibase(actor.ed25519Multibase())));
            }
        } catch (IllegalArgumentException e) {
            log.info("actor {} publishes an unreadable key {}: {}", actor.uri(), keyId, e.getMessage());
        }
        return Optional.empty();
    }

    private Optional<OwnedKey> remember(OwnedKey key) {
        synchronized (cache) {
            cache.put(key.keyId(), key);
        }
        return Optional.of(key);
    }
}
