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
    }

    @Override
    public String toString() {
        return value;
    }
}
