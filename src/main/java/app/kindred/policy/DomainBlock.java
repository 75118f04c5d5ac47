package app.kindred.policy;

import app.kindred.actor.DomainPattern;
import app.kindred.refusal.Refusal;
import java.time.Instant;
import java.util.Locale;

/** An instance-wide block of a domain, as admins set it and Mastodon's CSV carries it. */
public record DomainBlock(
        DomainPattern domain,
        Severity severity,
        boolean rejectMedia,
        boolean rejectReports,
        String publicComment,
        String privateComment,
        boolean obfuscate,
        Instant createdAt) {

    public enum Severity {
        /** Nothing in, nothing out. */
        SUSPEND,
        /** Kept out of public listings; its follows need approval. */
        LIMIT,
        /** Only the flags apply (Mastodon's "noop"). */
        NOOP;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Mastodon writes limit as "silence". */
        public static Severity parse(String text) {
            return switch (text == null ? "" : text.strip().toLowerCase(Locale.ROOT)) {
                case "suspend" -> SUSPEND;
                case "limit", "silence" -> LIMIT;
                case "noop", "none" -> NOOP;
                default ->
                    throw Refusal.invalid(
                            "severity", "severity \"" + text + "\" is not one of suspend, limit (silence) or noop");
            };
        }
    }
}
