package app.kindred.activitypub;

/** The RSA key an actor signs HTTP requests with (security/v1 "publicKey"). */
public record PublicKey(String id, String owner, String publicKeyPem) {}
