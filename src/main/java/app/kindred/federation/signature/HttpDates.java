package app.kindred.federation.signature;

import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.TextStyle;
import java.util.Locale;

/**
 * The Date header of a signed request. Nearly every server sends the IMF-fixdate form
 * ({@code Tue, 25 Nov 2026 04:11:24 GMT}); reading it by position is a tenth of what
 * {@link DateTimeFormatter#RFC_1123_DATE_TIME} costs, which showed up in every verified inbox
 * request. Anything else goes to the full RFC 1123 parser, so the accepted forms are the same.
 */
final class HttpDates {
    private static final String[] MONTHS = {
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
    };

    private HttpDates() {}

    static Instant parse(String value) throws DateTimeParseException {
        var fast = fixdate(value);
        return fast != null
                ? fast
                : ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toInstant();
    }

    /** The IMF-fixdate form read by position, or null to leave it to the full parser. */
    private static Instant fixdate(String v) {
        if (v.length() != 29
                || v.charAt(3) != ','
                || v.charAt(4) != ' '
                || v.charAt(7) != ' '
                || v.charAt(11) != ' '
                || v.charAt(16) != ' '
                || v.charAt(19) != ':'
                || v.charAt(22) != ':'
                || v.charAt(25) != ' '
                || !v.endsWith("GMT")) {
            return null;
        }
        int day = digits(v, 5, 2),
                year = digits(v, 12, 4),
                hour = digits(v, 17, 2),
                minute = digits(v, 20, 2),
                second = digits(v, 23, 2);
        int month = -1;
        for (int m = 0; m < 12; m++) if (v.regionMatches(8, MONTHS[m], 0, 3)) month = m + 1;
        if (day < 0 || year < 0 || hour < 0 || minute < 0 || second < 0 || month < 0) return null;
        LocalDateTime time;
        try {
            time = LocalDateTime.of(year, month, day, hour, minute, second);
        } catch (DateTimeException e) {
            return null; // 31 Feb and the like: the full parser gives the error
        }
        // The full parser refuses a day name that does not match the date; so does this.
        DayOfWeek named = time.getDayOfWeek();
        if (!v.regionMatches(0, named.getDisplayName(TextStyle.SHORT, Locale.ROOT), 0, 3)) return null;
        return time.toInstant(ZoneOffset.UTC);
    }

    private static int digits(String v, int from, int count) {
        int n = 0;
        for (int i = from; i < from + count; i++) {
            char ch = v.charAt(i);
            if (ch < '0' || ch > '9') return -1;
            n = n * 10 + (ch - '0');
        }
        return n;
    }
}
