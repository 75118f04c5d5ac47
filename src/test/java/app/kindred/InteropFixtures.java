package app.kindred;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * The shared interop corpus (real documents from 14 servers) beside the checkout, and what its
 * absence means: on a developer's machine the tests that read it skip; under CI they fail, since a
 * green build without them would hide some 200 interop tests gone.
 */
public final class InteropFixtures {
    public static final Path DIR = Path.of(System.getProperty("user.dir"))
            .resolve("../shared/fixtures")
            .normalize();

    public enum Absent {
        SKIP,
        FAIL
    }

    private InteropFixtures() {}

    /** What a missing corpus means in this environment: CI (any CI value but false or 0) fails, anything else skips. */
    static Absent whenAbsent(Map<String, String> environment) {
        var ci = environment.getOrDefault("CI", "").strip().toLowerCase(Locale.ROOT);
        return ci.isEmpty() || ci.equals("false") || ci.equals("0") ? Absent.SKIP : Absent.FAIL;
    }

    /** Returns when the corpus is there; otherwise skips the caller's tests, or fails them under CI. */
    public static void require(String what) {
        require(what, Files.isDirectory(DIR), System.getenv());
    }

    static void require(String what, boolean present, Map<String, String> environment) {
        if (present) return;
        var message = "the interop fixtures are missing: " + what + " reads them at " + DIR
                + " (../shared/fixtures beside the checkout)";
        if (whenAbsent(environment) == Absent.FAIL) fail(message + "; under CI they must be there");
        Assumptions.abort(message + "; skipped outside CI");
    }
}
