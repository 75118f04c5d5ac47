package app.kindred.bench;

import app.kindred.TestPostgres;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** CPU time spent by this JVM and by the test PostgreSQL, so benchmarks report cost per operation, not only rates. */
final class CpuTime {
    private CpuTime() {}

    static long jvmMillis() {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        return os.getProcessCpuTime() / 1_000_000;
    }

    /** User and system time of the test PostgreSQL (its postmaster, found by port, and its backends), from /proc. */
    static long postgresMillis() {
        var port = "-p " + TestPostgres.server().getPort() + " ";
        long ticks = 0;
        for (var postmaster : ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().orElse("").contains(port))
                .toList()) {
            for (var p : Stream.concat(Stream.of(postmaster), postmaster.descendants())
                    .toList()) {
                try {
                    var stat = Files.readString(Path.of("/proc/" + p.pid() + "/stat"));
                    var fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                } catch (IOException | RuntimeException gone) {
                    // the backend exited between listing and reading
                }
            }
        }
        return ticks * 10; // USER_HZ is 100 on Linux
    }
}
