package app.kindred.federation.inbound;

/**
 * An activity we will not apply for a reason about the wire, not the community: a wrong origin or
 * attribution, something we do not know, a private message. A community's rules refuse with
 * {@code Refusal} instead, on both doors; the processor records either reason in the inbound table,
 * where a moderator or admin can read it. Not retried. A refusal may still take something down ({@link #stillApplied}),
 * written in the transaction that records the refusal.
 */
public final class Rejected extends Exception {
    private final transient Effect stillApplied;

    public Rejected(String reason) {
        this(reason, Effect.NONE);
    }

    public Rejected(String reason, Effect stillApplied) {
        super(reason, null, false, false);
        this.stillApplied = stillApplied;
    }

    /** What the refusal itself changes: an author's post taken down when they made it private. */
    Effect stillApplied() {
        return stillApplied;
    }
}
