package app.kindred.activitypub;

import java.util.List;
import java.util.Set;

/**
 * Whether an author addressed something to the public: the public collection in {@code to} or
 * {@code cc}, in any of the three spellings JSON-LD allows for it. Nothing else (a community in
 * {@code audience}, a mention, someone's followers) makes an object public.
 */
public final class Addressing {
    /** {@code as:Public} and {@code Public} are compacted forms of the same IRI (ActivityPub 5.6). */
    private static final Set<String> PUBLIC = Set.of(JsonLd.PUBLIC, "as:Public", "Public");

    private Addressing() {}

    public static boolean isPublic(String recipient) {
        return recipient != null && PUBLIC.contains(recipient);
    }

    public static boolean toPublic(List<String> to, List<String> cc) {
        return to.stream().anyMatch(Addressing::isPublic) || cc.stream().anyMatch(Addressing::isPublic);
    }
}
