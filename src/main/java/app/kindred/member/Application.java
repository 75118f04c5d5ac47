package app.kindred.member;

import java.time.Instant;

/**
 * An account that applied to join (sign-up by application, issue 15) and is not yet let in: its
 * answer to the instance's question, and once refused the reason the applicant reads when they
 * next sign in (there is no e-mail).
 */
public record Application(State state, String answer, String reason, Instant appliedAt) {
    public enum State {
        WAITING,
        REFUSED
    }
}
