package app.kindred.activitypub;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * A reference to another object: on the wire either its URI or the object embedded in place.
 * Written back in the same shape, so an embedded object stays embedded.
 */
public sealed interface Ref {

    /** The referenced object's id, whether referenced by URI or embedded. */
    String uri();

    static Ref id(String uri) {
        return new Id(uri);
    }

    static Ref embedded(ActivityPubDocument document) {
        return new Embedded(document);
    }

    /** The embedded document, or null when only the URI is known. */
    default ActivityPubDocument document() {
        return switch (this) {
            case Id ignored -> null;
            case Embedded embedded -> embedded.value();
        };
    }

    record Id(@JsonValue String uri) implements Ref {}

    record Embedded(@JsonValue ActivityPubDocument value) implements Ref {
        @Override
        public String uri() {
            return value.id();
        }
    }
}
