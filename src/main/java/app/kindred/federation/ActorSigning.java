package app.kindred.federation;

import app.kindred.actor.Actor;
import app.kindred.actor.ActorStore;
import app.kindred.federation.signature.RequestSigner;
import app.kindred.federation.signature.SignatureScheme;
import app.kindred.federation.signature.SigningKey;
import app.kindred.remote.RequestSigning;
import app.kindred.storage.Database;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Signs outgoing requests as one of our actors with its #main-key. Each private key is read and
 * parsed once, then kept in memory only.
 */
public final class ActorSigning {
    private final Database db;
    private final ActorStore actors;
    private final RequestSigner signer;
    private final Map<Long, SigningKey> keys = new ConcurrentHashMap<>();

    public ActorSigning(Database db, ActorStore actors, RequestSigner signer) {
        this.db = db;
        this.actors = actors;
        this.signer = signer;
    }

    public RequestSigning as(Actor actor, SignatureScheme scheme) {
        return (method, uri, headers, body) ->
                signer.sign(method, uri, headers, body, actor.publicKeyId(), key(actor), scheme);
    }

    private SigningKey key(Actor actor) {
        return keys.computeIfAbsent(
                actor.id(),
                id -> SigningKey.fromPem(db.read(c -> actors.rsaPrivateKeyPem(c, id))
                        .orElseThrow(() -> new IllegalStateException(
                                "actor " + actor.uri() + " has no private key; it is not ours"))));
    }
}
