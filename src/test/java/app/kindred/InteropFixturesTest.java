package app.kindred;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class InteropFixturesTest {
    @Test
    void underCiAMissingCorpusFailsAndSaysSo() {
        var failed = assertThrows(
                AssertionFailedError.class,
                () -> InteropFixtures.require("the corpus test", false, Map.of("CI", "true")));
        assertTrue(failed.getMessage().contains("interop fixtures are missing"), failed.getMessage());
        assertEquals(InteropFixtures.Absent.FAIL, InteropFixtures.whenAbsent(Map.of("CI", "1")));
    }

    @Test
    void onADevelopersMachineAMissingCorpusSkips() {
        assertThrows(TestAbortedException.class, () -> InteropFixtures.require("the corpus test", false, Map.of()));
        assertEquals(InteropFixtures.Absent.SKIP, InteropFixtures.whenAbsent(Map.of("CI", "false")));
        assertEquals(InteropFixtures.Absent.SKIP, InteropFixtures.whenAbsent(Map.of("CI", "")));
    }

    @Test
    void aPresentCorpusIsUsedEverywhere() {
        assertDoesNotThrow(() -> InteropFixtures.require("the corpus test", true, Map.of("CI", "true")));
        assertDoesNotThrow(() -> InteropFixtures.require("the corpus test", true, Map.of()));
    }
}
