package app.kindred.thread;

/**
 * How long a post's parts may be, one definition for both doors: a member here is refused past them
 * (422); a remote post's title and content warning are clipped with an ellipsis, and content past
 * {@link #HTML} is refused with the reason recorded (docs/federation.md says why).
 */
public final class PostLimits {
    /** A thread's title, in characters. */
    public static final int TITLE = 200;
    /** The text a member writes (Markdown), in characters. */
    public static final int BODY = 50_000;
    /** A content warning, in characters. */
    public static final int WARNING = 500;
    /**
     * Stored HTML, in characters, for posts from either door. Remote posts come as HTML only, so
     * markup is allowed for: five times {@link #BODY} is what 50,000 escaped characters render to
     * ("&amp;"), with room for a paragraph around them. A member's Markdown that renders to more
     * (one long reference link used a thousand times) is refused too.
     */
    public static final int HTML = 5 * BODY + 1_000;

    /** A link post's address, in characters. */
    public static final int URL = 2_000;

    private PostLimits() {}

    /** The text cut to at most {@code max} characters, ending with an ellipsis when cut; never halves a surrogate pair. */
    public static String clip(String text, int max) {
        if (text == null || text.length() <= max) return text;
        int end = max - 1;
        if (Character.isHighSurrogate(text.charAt(end - 1))) end--;
        return text.substring(0, end) + "…";
    }
}
