package app.kindred;

import java.time.Duration;
import java.time.Instant;

/** Waits for something to become true across instances, with a bounded wait and never a fixed sleep. */
public final class Eventually {
    public interface Check {
        void run() throws Exception;
    }

    private Eventually() {}

    public static void eventually(Duration within, Check check) throws Exception {
        var deadline = Instant.now().plus(within);
        Throwable last;
        long pause = 10;
        while (true) {
            try {
                check.run();
                return;
            } catch (AssertionError | Exception e) {
                last = e;
            }
            if (Instant.now().isAfter(deadline)) break;
            Thread.sleep(pause);
            pause = Math.min(pause * 2, 200);
        }
        if (last instanceof AssertionError a) throw a;
        throw new AssertionError("not true within " + within, last);
    }

    public static void eventually(Check check) throws Exception {
        eventually(Duration.ofSeconds(15), check);
    }
}
