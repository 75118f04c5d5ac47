package app.kindred.activitypub;

/**
 * A top-level ActivityPub document the vocabulary understands. Each variant is a plain record;
 * behaviour (verification, storage, policy) lives elsewhere.
 */
public sealed interface ActivityPubDocument permits Actor, ContentObject, Tombstone, Activity, ActivityPubCollection {

    /** The document's id: an absolute http(s) URI (may be null only for embedded pages). */
    String id();

    /** The wire name of the document's type, e.g. "Group" or "Create". */
    String typeName();
}
