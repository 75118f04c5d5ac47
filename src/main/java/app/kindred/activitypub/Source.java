package app.kindred.activitypub;

/** The author's original text ("source"), typically Markdown beside the rendered HTML. */
public record Source(String content, String mediaType) {}
