package app.kindred.web;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Issue 14: numbers and dates follow the language the reader's browser asks for (Accept-Language),
 * while the words stay English until a bundle for that language exists. Pages show counts and
 * scores through these patterns; WebPagesTest checks a German date on a rendered page.
 */
class ReaderLanguageTest {
    private static final Instant NOON = Instant.parse("2026-03-04T12:30:00Z");

    @Test
    void countsAndScoresAreGroupedAsTheReadersLanguageWritesThem() {
        var german = Messages.forAcceptLanguage("de-DE,de;q=0.9,en;q=0.5");
        assertEquals("1.234 threads · 56.789 followers", german.t("community.counts", 1234, 56789));
        assertEquals("Score -1.500", german.t("post.score", -1500));
        assertEquals("1.234.567", german.number(1_234_567));
        var french = Messages.forAcceptLanguage("fr-FR");
        assertEquals("1\u202f234 comments", french.t("thread.comments", 1234));
        var english = Messages.forAcceptLanguage("en-GB");
        assertEquals("1,234 threads · 1 follower", english.t("community.counts", 1234, 1));
        assertEquals("en", german.lang(), "the words are still English");
    }

    @Test
    void datesAreWrittenAsTheReadersLanguageWritesThemAndAnUnreadableHeaderIsEnglish() {
        assertEquals("04.03.2026, 12:30 UTC", Messages.forAcceptLanguage("de").date(NOON));
        assertTrue(Messages.forAcceptLanguage("en-US").date(NOON).startsWith("Mar 4, 2026"));
        assertTrue(Messages.forAcceptLanguage("ja-JP").date(NOON).startsWith("2026/03/04"));
        assertEquals(
                Messages.forAcceptLanguage(null).date(NOON),
                Messages.forAcceptLanguage(";;;q=x").date(NOON));
        assertEquals("2026-03-04T12:30:00Z", Messages.forAcceptLanguage("de").iso(NOON));
    }

    @Test
    void aQuoteReadsAsOneWhetherTheMessageTakesArgumentsOrNot() {
        var english = Messages.forAcceptLanguage("en");
        assertEquals("The moderators' note:", english.t("mod.report.note"));
    }
}
