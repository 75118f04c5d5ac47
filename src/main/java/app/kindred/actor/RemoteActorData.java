package app.kindred.actor;

import java.net.URI;

/** What we keep of a remote actor, as read from its own server. */
public record RemoteActorData(
        URI uri,
        ActorType type,
        String preferredUsername,
        String name,
        URI inbox,
        URI sharedInbox,
        URI outbox,
        URI followers,
        String publicKeyId,
        String publicKeyPem,
        String ed25519KeyId,
        String ed25519Multibase) {}
