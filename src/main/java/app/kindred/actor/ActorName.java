package app.kindred.actor;

import app.kindred.refusal.Refusal;
import java.util.regex.Pattern;

/**
 * The local name of a member or community, the NAME in acct:NAME@domain. Members and communities
 * share one namespace, so a handle always names exactly one actor.
 */
public record ActorName(String value) {
    private static final Pattern VALID = Pattern.compile("[a-z0-9_]{1,30}");

    public ActorName {
        if (value == null || !VALID.matcher(value).matches()) {
            throw Refusal.invalid(
                    "name",
                    "name \"" + (value == null ? "" : value)
                            + "\" is not valid; use 1 to 30 lowercase letters, digits or _");
        }
        // Anonymous posting (issue 17): pseudonyms are named anon_..., so no member can pass for one.
        if (value.startsWith(RESERVED_PREFIX)) {
            throw Refusal.invalid("name", "names starting with " + RESERVED_PREFIX + " are kept for anonymous posts");
        }
    }

    /** The prefix of pseudonyms' names (thread.Anonymity). */
    public static final String RESERVED_PREFIX = "anon_";

    @Override
    public String toString() {
        return value;
    }
}
