package app.kindred.federation.inbound;

/**
 * An activity we will not apply, for a reason a moderator or admin can read in the log and the
 * inbound table. Not retried.
 */
public final class Rejected extends Exception {
    public Rejected(String reason) {
        super(reason, null, false, false);
    }
}
