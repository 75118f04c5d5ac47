package app.kindred.policy;

import app.kindred.actor.DomainPattern;
import app.kindred.refusal.Refusal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;

/**
 * Blocklists in Mastodon's CSV format ({@code #domain,#severity,#reject_media,#reject_reports,
 * #public_comment,#obfuscate}) and as a plain list of domains, both ways.
 */
public final class Blocklist {
    public static final String CSV_HEADER =
            "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate";

    public enum Format {
        CSV,
        PLAIN
    }

    /** The rows that parsed, and one message per row that did not, with its line number. */
    public record Parsed(List<DomainBlock> blocks, List<String> errors) {}

    private Blocklist() {}

    public static String export(List<DomainBlock> blocks, Format format, boolean obfuscateWhereAsked) {
        var sb = new StringBuilder();
        if (format == Format.CSV) sb.append(CSV_HEADER).append('\n');
        for (var b : blocks) {
            var domain = obfuscateWhereAsked && b.obfuscate()
                    ? b.domain().obfuscated()
                    : b.domain().toString();
            if (format == Format.PLAIN) {
                sb.append(domain).append('\n');
            } else {
                sb.append(field(domain))
                        .append(',')
                        .append(
                                b.severity() == DomainBlock.Severity.LIMIT
                                        ? "silence"
                                        : b.severity().wireName())
                        .append(',')
                        .append(b.rejectMedia())
                        .append(',')
                        .append(b.rejectReports())
                        .append(',')
                        .append(field(b.publicComment()))
                        .append(',')
                        .append(b.obfuscate())
                        .append('\n');
            }
        }
        return sb.toString();
    }

    public static Parsed parse(String text) {
        var blocks = new ArrayList<DomainBlock>();
        var errors = new ArrayList<String>();
        for (var line : lines(text)) {
            if (line.error() != null) errors.add("line " + line.number() + ": " + line.error());
            else if (line.block() != null) blocks.add(line.block());
        }
        return new Parsed(List.copyOf(blocks), errors);
    }

    /**
     * One line of an imported file and what it says: a block, a problem, or nothing (a header, a
     * comment, a blank line: {@code block} and {@code error} both null).
     */
    public record Line(int number, String text, DomainBlock block, String error) {}

    /** Every line with what it says, so an admin can see each line's fate before anything is applied. */
    public static List<Line> lines(String text) {
        var lines = text.replace("\r\n", "\n").split("\n", -1);
        var firstContent = Arrays.stream(lines)
                .map(String::strip)
                .filter(l -> !l.isEmpty())
                .findFirst()
                .orElse("");
        // A CSV header names #domain in any column; a plain list's first line is a domain or a comment.
        boolean csv = firstContent.startsWith("#")
                && Arrays.stream(firstContent.split(","))
                        .anyMatch(f -> f.strip().equalsIgnoreCase("#domain"));
        var seen = new HashSet<String>();
        var out = new ArrayList<Line>();
        List<String> header = null;
        for (int i = 0; i < lines.length; i++) {
            var line = lines[i].strip();
            int number = i + 1;
            if (line.isEmpty()) continue;
            try {
                if (csv) {
                    var fields = fields(lines[i]);
                    if (header == null) {
                        header = fields.stream()
                                .map(f -> f.strip().toLowerCase(Locale.ROOT).replaceFirst("^#", ""))
                                .toList();
                        if (!header.contains("domain"))
                            throw Refusal.invalid("header", "the header has no #domain column");
                        out.add(new Line(number, line, null, null));
                        continue;
                    }
                    var block = row(header, fields);
                    if (!seen.add(block.domain().toString())) {
                        throw Refusal.invalid("domain", block.domain() + " is listed twice");
                    }
                    out.add(new Line(number, line, block, null));
                } else {
                    if (line.startsWith("#")) {
                        out.add(new Line(number, line, null, null));
                        continue;
                    }
                    // Only a trailing "# comment" may follow the domain; "not a domain!" must not block "not".
                    var domain = DomainPattern.parse(line.replaceFirst("\\s+#.*$", ""));
                    // A plain list may name a domain twice: the second says nothing new.
                    var block =
                            new DomainBlock(domain, DomainBlock.Severity.SUSPEND, false, false, "", "", false, null);
                    out.add(new Line(number, line, seen.add(domain.toString()) ? block : null, null));
                }
            } catch (Refusal e) {
                out.add(new Line(number, line, null, e.getMessage()));
            }
        }
        return out;
    }

    private static DomainBlock row(List<String> header, List<String> fields) {
        if (fields.size() > header.size())
            throw Refusal.invalid("row", "the row has " + fields.size() + " fields, the header " + header.size());
        var domain = DomainPattern.parse(value(header, fields, "domain", ""));
        var severity = DomainBlock.Severity.parse(value(header, fields, "severity", "suspend"));
        return new DomainBlock(
                domain,
                severity,
                bool(header, fields, "reject_media"),
                bool(header, fields, "reject_reports"),
                value(header, fields, "public_comment", ""),
                "",
                bool(header, fields, "obfuscate"),
                null);
    }

    private static String value(List<String> header, List<String> fields, String name, String fallback) {
        int i = header.indexOf(name);
        // An empty cell means the default, as a missing column does.
        return i < 0 || i >= fields.size() || fields.get(i).isBlank() ? fallback : fields.get(i);
    }

    private static boolean bool(List<String> header, List<String> fields, String name) {
        var v = value(header, fields, name, "false").strip().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no", "" -> false;
            default -> throw Refusal.invalid(name, name + " \"" + v + "\" is not true or false");
        };
    }

    /** One CSV line (RFC 4180 quoting: "a, b" and "" for a quote). */
    static List<String> fields(String line) {
        var out = new ArrayList<String>();
        var sb = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quoted) {
                if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    sb.append('"');
                    i++;
                } else if (ch == '"') {
                    quoted = false;
                } else {
                    sb.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == ',') {
                out.add(sb.toString());
                sb.setLength(0);
            } else {
                sb.append(ch);
            }
        }
        if (quoted) throw Refusal.invalid("row", "a quoted field is not closed");
        out.add(sb.toString());
        return out;
    }

    private static String field(String s) {
        if (s == null) return "";
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
