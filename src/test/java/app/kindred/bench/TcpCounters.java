package app.kindred.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The machine's TCP counters that tell a connection that waited in the kernel from one that waited in
 * Kindred (issue 19's stalled delivery rounds): a listen queue that overflowed drops the SYN, and the
 * client tries again only after its retransmission timeout (1 s, then 2 s, 4 s), so a round whose last
 * few deliveries arrive seconds late with nothing retried by Kindred shows here as SYN retransmissions.
 * Read from {@code /proc/net/netstat} and {@code /proc/net/snmp} (Linux); empty elsewhere.
 */
final class TcpCounters {
    private static final List<String> WATCHED = List.of(
            "TcpExt.ListenOverflows",
            "TcpExt.ListenDrops",
            "TcpExt.TCPSynRetrans",
            "TcpExt.TCPTimeouts",
            "TcpExt.SyncookiesSent",
            "Tcp.ActiveOpens",
            "Tcp.AttemptFails",
            "Tcp.RetransSegs");

    private final Map<String, Long> before = read();

    /** The watched counters that moved since this was made, e.g. "ListenOverflows +3, TCPSynRetrans +3". */
    String moved() {
        var now = read();
        var text = WATCHED.stream()
                .filter(k -> now.containsKey(k)
                        && before.containsKey(k)
                        && !now.get(k).equals(before.get(k)))
                .map(k -> k.substring(k.indexOf('.') + 1) + " +" + (now.get(k) - before.get(k)))
                .collect(Collectors.joining(", "));
        return text.isEmpty() ? "none moved" : text;
    }

    private static Map<String, Long> read() {
        var counters = new LinkedHashMap<String, Long>();
        for (var file : List.of("/proc/net/netstat", "/proc/net/snmp")) {
            List<String> lines;
            try {
                lines = Files.readAllLines(Path.of(file));
            } catch (IOException | UnsupportedOperationException e) {
                continue;
            }
            // Pairs of lines: "Prefix: name name ..." then "Prefix: value value ...".
            for (int i = 0; i + 1 < lines.size(); i += 2) {
                var names = lines.get(i).split("\\s+");
                var values = lines.get(i + 1).split("\\s+");
                var prefix = names[0].replace(":", "");
                for (int j = 1; j < Math.min(names.length, values.length); j++) {
                    try {
                        counters.put(prefix + "." + names[j], Long.parseLong(values[j]));
                    } catch (NumberFormatException notACounter) {
                        // a header line out of step: skip it
                    }
                }
            }
        }
        return counters;
    }
}
