package app.kindred.notification;

import java.util.Locale;

/** What a notification is about. */
public enum Kind {
    /** Someone replied to the member's thread or comment. */
    REPLY,
    /** A post named the member: {@code @name} in a local post, a Mention tag in a remote one. */
    MENTION,
    /** A report the member filed was resolved or dismissed. */
    REPORT_OUTCOME;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Kind of(String wire) {
        return valueOf(wire.toUpperCase(Locale.ROOT));
    }
}
