package app.kindred.federation.inbound;

/** How applying one received activity went, as {@link InboundApplier} tells the scheduler to record it. */
public sealed interface Outcome {
    /** Applied, and marked done in the transaction that applied it: nothing left to record. */
    record Applied() implements Outcome {}

    /**
     * Not applied here: by the time it was, the row was no longer pending, because another process took
     * it over when this one's lease ran out and ended it first. Nothing to record.
     */
    record EndedElsewhere() implements Outcome {}

    /** Nothing here applies it (an unsupported type, no handler yet); done, with the reason noted. */
    record Ignored(String note) implements Outcome {}

    /**
     * Not applied, for good: a rule refused it, it is malformed, or it is not ours to apply. Recorded
     * as failed with {@code note}, in one transaction with what the refusal still takes down.
     */
    record Refused(String note, Effect stillApplied) implements Outcome {
        public Refused(String note) {
            this(note, Effect.NONE);
        }
    }

    /** Failed in a way that may pass (a remote server down, a race lost): tried again on the retry schedule. */
    record RetryLater(String reason) implements Outcome {}
}
