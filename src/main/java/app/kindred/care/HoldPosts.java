package app.kindred.care;

import app.kindred.refusal.Refusal;
import java.util.Locale;

/** Pre-moderation: which posts wait for a moderator before anyone else sees them. */
public enum HoldPosts {
    NONE,
    /** The first few posts of each member (the community's {@code hold_first_posts}, else {@link #DEFAULT_FIRST_POSTS}). */
    NEW_MEMBERS,
    /** Every post by someone on another server. */
    REMOTE,
    ALL;

    public static final int DEFAULT_FIRST_POSTS = 3;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static HoldPosts parse(String text) {
        for (var h : values()) if (h.wire().equals(text)) return h;
        throw Refusal.invalid("hold_posts", "hold_posts must be none, new_members, remote or all");
    }
}
