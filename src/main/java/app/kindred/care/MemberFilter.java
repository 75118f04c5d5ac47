package app.kindred.care;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * One of a member's filters, as Mastodon has them: keywords (each matched as a whole word or
 * anywhere, in any case) whose posts are hidden from the member's listings or collapsed behind a
 * warning naming the filter, until it expires (null: never).
 */
public record MemberFilter(long id, String title, Action action, List<Keyword> keywords, Instant expiresAt) {
    public enum Action {
        HIDE,
        COLLAPSE;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public record Keyword(String keyword, boolean wholeWord) {
        boolean in(String text) {
            if (wholeWord) return WarningPolicy.mentions(text, keyword);
            return text.toLowerCase(Locale.ROOT).contains(keyword.toLowerCase(Locale.ROOT));
        }
    }

    /** Whether any of the texts (a title, a body as text, a content warning) holds one of the keywords. */
    public boolean matches(String... texts) {
        for (var text : texts) {
            if (text == null || text.isBlank()) continue;
            for (var keyword : keywords) if (keyword.in(text)) return true;
        }
        return false;
    }
}
