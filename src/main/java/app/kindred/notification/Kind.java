package app.kindred.notification;

import java.util.Locale;

/** What a notification is about. */
public enum Kind {
    /** Someone replied to the member's thread or comment. */
    REPLY,
    /** A post named the member: {@code @name} in a local post, a Mention tag in a remote one. */
    MENTION,
    /** A report the member filed was resolved or dismissed. */
    REPORT_OUTCOME,
    /** A moderator did not let the member's held post through; the post's removal reason says why. */
    POST_DECLINED,
    /** A wellbeing concern in a community the member moderates, told while they are on duty. */
    CONCERN,
    /** A wellbeing concern no moderator opened in time, told to admins. */
    CONCERN_UNSEEN,
    /** A check-in message from a moderator, or the answer to one the member sent. */
    CHECK_IN,
    /** Someone replied to a post the member wrote anonymously (issue 17): told to them alone, as "your anonymous post". */
    ANONYMOUS_REPLY,
    /** A moderator passed a report up to the admins (issue 15), told to every admin. */
    ESCALATED,
    /** Someone applied for an account (issue 15: sign-up by application), told to every admin. */
    APPLICATION;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Kind of(String wire) {
        return valueOf(wire.toUpperCase(Locale.ROOT));
    }
}
