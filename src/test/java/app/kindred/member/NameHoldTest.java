package app.kindred.member;

import static org.junit.jupiter.api.Assertions.*;

import app.kindred.App;
import app.kindred.TestPostgres;
import app.kindred.refusal.Refusal;
import app.kindred.storage.Sql;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** A departed member's name is held for a year of the injected clock, not of the machine's (issue 18). */
class NameHoldTest {
    private static final String PASSWORD = "a calm long passphrase";

    @Test
    void aDepartedMembersNameIsFreeAfterAYearOfTheInjectedClock() {
        // Years ahead of the machine's clock: measured from Instant.now(), both names would still be held.
        var now = Instant.parse("2031-06-01T12:00:00Z");
        try (var app = App.open(TestPostgres.config(), Clock.fixed(now, ZoneOffset.UTC), new SecureRandom())) {
            var lark = app.members().create("lark", PASSWORD, Role.MEMBER);
            var wren = app.members().create("wren", PASSWORD, Role.MEMBER);
            gone(app, lark, now.minus(MemberService.NAME_KEPT).plus(Duration.ofDays(1)));
            gone(app, wren, now.minus(MemberService.NAME_KEPT).minus(Duration.ofDays(1)));

            var held = assertThrows(Refusal.class, () -> app.members().create("lark", PASSWORD, Role.MEMBER));
            assertEquals(Refusal.Kind.CONFLICT, held.kind());
            assertTrue(held.getMessage().contains("deleted their account"), held.getMessage());

            var again = app.members().create("wren", PASSWORD, Role.MEMBER);
            assertNotEquals(wren.actor().id(), again.actor().id(), "a new actor; the old one stays a tombstone");
        }
    }

    /** What an erasure leaves for the hold: the account gone, the actor marked gone at that time. */
    private static void gone(App app, Member member, Instant at) {
        app.database().transaction(c -> {
            Sql.update(c, "delete from account where id = ?", member.id());
            Sql.update(
                    c,
                    "update actor set gone_at = ? where id = ?",
                    at,
                    member.actor().id());
            return null;
        });
    }
}
