package app.kindred.activitypub;

/** An entry of an object's "attachment": a link, an image, or another media document. */
public sealed interface Attachment permits Link, Image, MediaDocument {}
