package app.kindred.search;

import static org.junit.jupiter.api.Assertions.*;

import app.kindred.refusal.Refusal;
import org.junit.jupiter.api.Test;

/** What is typed into search becomes a prefix query of its words only. */
class QueryTest {

    @Test
    void wordsBecomePrefixesAndOperatorsAreDropped() {
        assertEquals("anx:* & sleep:*", SearchService.tsquery("Anx & !sleep"));
        assertEquals("grüße:* & 日本:*", SearchService.tsquery("  Grüße, 日本 "));
        assertEquals("a:* & b:* & c:* & d:* & e:* & f:* & g:* & h:*", SearchService.tsquery("a b c d e f g h i j"));
    }

    @Test
    void aQueryWithoutWordsIsRefused() {
        assertEquals(
                "q",
                assertThrows(Refusal.class, () -> SearchService.tsquery("':* | !"))
                        .field());
        assertEquals(
                "q",
                assertThrows(Refusal.class, () -> SearchService.tsquery(" ")).field());
        assertEquals(
                "q",
                assertThrows(Refusal.class, () -> SearchService.tsquery("x".repeat(201)))
                        .field());
    }

    @Test
    void handlesAndUrlsAreAddresses() {
        assertTrue(SearchService.isAddress("!calm@other.example"));
        assertTrue(SearchService.isAddress("@calm@other.example:8443"));
        assertTrue(SearchService.isAddress("https://other.example/c/calm"));
        assertFalse(SearchService.isAddress("calm corner"));
        assertFalse(SearchService.isAddress("me@"));
    }
}
