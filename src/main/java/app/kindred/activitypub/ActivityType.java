package app.kindred.activitypub;

/**
 * Activity types we read; the constant names are the wire names. Lock and Resolve are Lemmy's
 * (thread lock, report resolution); the rest are ActivityStreams core.
 */
public enum ActivityType {
    Create,
    Update,
    Delete,
    Follow,
    Accept,
    Reject,
    Undo,
    Announce,
    Like,
    Dislike,
    Flag,
    Block,
    Add,
    Remove,
    Lock,
    Resolve
}
