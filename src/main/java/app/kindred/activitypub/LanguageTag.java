package app.kindred.activitypub;

/** Lemmy's "language" object: a BCP 47 identifier and a display name. */
public record LanguageTag(String identifier, String name) {}
