package app.kindred.notification;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which names in a local post's Markdown are mentions of our members. */
class MentionsTest {

    @Test
    void namesHereAreMentionsAndAddressesCodeAndOtherServersAreNot() {
        var markdown = """
                Thanks @Robin and @sam@kindred.example:8443, and @kim@other.example too.
                Mail x@mail.example, see https://other.example/@lee or `@code` and

                ```
                @fenced
                ```
                (@ann) @ann again.""";
        assertEquals(Set.of("robin", "sam", "ann"), Notifications.mentionedNames(markdown, "kindred.example:8443"));
    }

    @Test
    void nothingInAnEmptyPost() {
        assertEquals(Set.of(), Notifications.mentionedNames(null, "kindred.example"));
        assertEquals(Set.of(), Notifications.mentionedNames("no names here @", "kindred.example"));
    }

    @Test
    void anExcerptIsOneLineCutAtAWord() {
        assertEquals("one two", NotificationService.excerpt("one\n\n  two "));
        var longText = "word ".repeat(60);
        var cut = NotificationService.excerpt(longText);
        assertEquals(true, cut.endsWith("word…"), cut);
        assertEquals(true, cut.length() <= NotificationService.EXCERPT + 1, cut);
    }
}
