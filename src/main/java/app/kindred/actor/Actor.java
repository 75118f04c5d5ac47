package app.kindred.actor;

import java.net.URI;
import java.time.Instant;

/** An actor as we store it, local or remote. Private keys are never part of it. */
public record Actor(
        long id,
        URI uri,
        ActorType type,
        String preferredUsername,
        String domain,
        boolean local,
        String name,
        URI inbox,
        URI sharedInbox,
        URI outbox,
        URI followers,
        String publicKeyId,
        String publicKeyPem,
        String ed25519KeyId,
        String ed25519Multibase,
        Instant fetchedAt,
        Instant createdAt) {}
