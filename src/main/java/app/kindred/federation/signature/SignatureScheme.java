package app.kindred.federation.signature;

/** Which HTTP signature specification a signature follows. */
public enum SignatureScheme {
    /** draft-cavage-http-signatures-12, what most of the fediverse still sends. */
    CAVAGE,
    /** RFC 9421 HTTP Message Signatures. */
    RFC9421
}
