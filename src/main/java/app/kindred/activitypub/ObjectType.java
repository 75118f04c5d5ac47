package app.kindred.activitypub;

/** Content object types we read; the constant names are the wire names. */
public enum ObjectType {
    Note,
    Page,
    Article,
    Question,
    Video,
    Event,
    Image
}
