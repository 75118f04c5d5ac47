package app.kindred.federation.signature;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HttpDatesTest {

    @Test
    void readsEveryFixdateAsTheFullParserDoes() {
        var random = new SplittableRandom(7);
        for (int i = 0; i < 20_000; i++) {
            var instant = Instant.ofEpochSecond(random.nextLong(0, 4_102_444_800L)); // 1970 to 2100
            var text = DateTimeFormatter.RFC_1123_DATE_TIME.format(instant.atOffset(ZoneOffset.UTC));
            assertEquals(instant, HttpDates.parse(text), text);
        }
        assertEquals(Instant.parse("2026-11-25T04:11:24Z"), HttpDates.parse("Wed, 25 Nov 2026 04:11:24 GMT"));
    }

    @Test
    void otherRfc1123FormsStillParse() {
        // A single-digit day and a numeric offset are RFC 1123 but not IMF-fixdate.
        assertEquals(Instant.parse("2026-11-05T04:11:24Z"), HttpDates.parse("Thu, 5 Nov 2026 04:11:24 GMT"));
        assertEquals(Instant.parse("2026-11-25T03:11:24Z"), HttpDates.parse("Wed, 25 Nov 2026 04:11:24 +0100"));
    }

    @Test
    void refusesWhatTheFullParserRefuses() {
        for (var bad : new String[] {
            "Tue, 25 Nov 2026 04:11:24 GMT", // wrong day name
            "Wed, 31 Feb 2026 04:11:24 GMT",
            "Wed, 25 Nox 2026 04:11:24 GMT",
            "Wed, 25 Nov 2026 24:61:24 GMT",
            "2026-11-25T04:11:24Z",
            "",
            "Wed, 2a Nov 2026 04:11:24 GMT"
        }) {
            assertThrows(DateTimeParseException.class, () -> HttpDates.parse(bad), bad);
            assertThrows(
                    DateTimeParseException.class,
                    () -> ZonedDateTime.parse(bad, DateTimeFormatter.RFC_1123_DATE_TIME),
                    "the JDK agrees on " + bad);
        }
    }
}
