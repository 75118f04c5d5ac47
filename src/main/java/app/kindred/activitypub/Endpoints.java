package app.kindred.activitypub;

/** An actor's "endpoints"; only the shared inbox matters for delivery. */
public record Endpoints(String sharedInbox) {}
