package app.kindred.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One Kindred server as its own operating-system process ({@code app.kindred.Kindred serve}), as an
 * admin runs it: configured by KINDRED_* variables only, on a database the benchmark made. Its output
 * goes to a log file; {@link #close} stops it as the service manager would (SIGTERM, then a wait).
 */
final class KindredProcess implements AutoCloseable {
    private final Process process;
    private final InetSocketAddress address;

    private KindredProcess(Process process, InetSocketAddress address) {
        this.process = process;
        this.address = address;
    }

    /** Starts the process and returns once its /healthz answers 200. */
    static KindredProcess start(String classpath, String heap, Map<String, String> env, int port, String host, Path log)
            throws IOException, InterruptedException {
        var java = ProcessHandle.current().info().command().orElse("java");
        var command = new ArrayList<>(List.of(
                java,
                "-Xmx" + heap,
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                classpath,
                "app.kindred.Kindred",
                "serve"));
        var builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        // Only the settings given: none of the benchmark's own environment reaches the server's configuration.
        builder.environment().keySet().removeIf(k -> k.startsWith("KINDRED_"));
        builder.environment().putAll(env);
        builder.environment().put("KINDRED_SERVER_PORT", Integer.toString(port));
        builder.environment().put("KINDRED_SERVER_HOST", "127.0.0.1");
        var started = new KindredProcess(builder.start(), new InetSocketAddress("127.0.0.1", port));
        started.awaitHealthy(host, Duration.ofSeconds(180), log);
        return started;
    }

    InetSocketAddress address() {
        return address;
    }

    /** CPU time this process has used so far (all its threads). */
    long cpuMillis() {
        return process.toHandle()
                .info()
                .totalCpuDuration()
                .map(Duration::toMillis)
                .orElse(0L);
    }

    private void awaitHealthy(String host, Duration within, Path log) throws InterruptedException {
        var request = RawHttpClient.request("GET", "/healthz", Map.of("Host", host), new byte[0]);
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) throw new IllegalStateException("the Kindred process exited; see " + log);
            try (var client = new RawHttpClient(address)) {
                if (client.send(request).status() == 200) return;
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(
                "the Kindred process did not answer /healthz within " + within + "; see " + log);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
    }
}
