package app.kindred.activitypub;

/** What reading a document gives: never an exception, one of these three. */
public sealed interface ReadResult {

    /** A document of a type the vocabulary models. */
    record Supported(ActivityPubDocument document) implements ReadResult {}

    /** Valid ActivityPub, but of a type (or about an object type) we do not model. */
    record Unsupported(String type, String reason) implements ReadResult {}

    /** Not a usable ActivityPub document: not JSON, no type, no valid id, missing actor ... */
    record Malformed(String reason) implements ReadResult {}
}
