package app.kindred.member;

import static org.junit.jupiter.api.Assertions.*;

import app.kindred.App;
import app.kindred.TestPostgres;
import app.kindred.refusal.Refusal;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A sign-in whose password was checked just before the account's erasure ran (issue 18): the session
 * is refused like an unknown name, never a foreign-key failure. The erasure runs between the
 * password check and the session's transaction, the order that used to answer 500.
 */
class SignInRacingErasureTest {
    private static final String PASSWORD = "a calm long passphrase";

    @Test
    void anAccountErasedAfterItsPasswordWasCheckedIsRefusedNotFailed() {
        try (var app = App.open(TestPostgres.config(Map.of("KINDRED_ACCOUNTS_DELETION_GRACE", "0s")))) {
            app.members().create("keeper", PASSWORD, Role.ADMIN);
            app.members().create("wren", PASSWORD, Role.MEMBER);
            var checked = app.members().authenticate("wren", PASSWORD).orElseThrow();
            app.deletions().schedule(checked, PASSWORD, false);
            assertTrue(app.deletions().runNext(), "the erasure ran");

            var refused = assertThrows(Refusal.class, () -> app.sessions().issue(checked));
            assertEquals(Refusal.Kind.UNAUTHORIZED, refused.kind());
            assertEquals(SessionService.WRONG_CREDENTIALS, refused.getMessage());
            assertTrue(app.members().find("wren").isEmpty());
            var again = assertThrows(Refusal.class, () -> app.sessions().logIn("wren", PASSWORD, "a client"));
            assertEquals(Refusal.Kind.UNAUTHORIZED, again.kind());
        }
    }

    @Test
    void aSignInBeforeTheErasureCancelsIt() {
        try (var app = App.open(TestPostgres.config(Map.of("KINDRED_ACCOUNTS_DELETION_GRACE", "0s")))) {
            app.members().create("keeper", PASSWORD, Role.ADMIN);
            app.members().create("finch", PASSWORD, Role.MEMBER);
            var checked = app.members().authenticate("finch", PASSWORD).orElseThrow();
            app.deletions().schedule(checked, PASSWORD, true);

            var issued = app.sessions().issue(checked);
            assertTrue(issued.deletionCancelled());
            assertFalse(app.deletions().runNext(), "nothing left to erase");
            assertTrue(app.members().find("finch").isPresent());
            assertEquals("finch", app.sessions().member(issued.token()).username());
        }
    }
}
