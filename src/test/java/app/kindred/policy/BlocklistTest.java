package app.kindred.policy;

import static org.junit.jupiter.api.Assertions.*;

import app.kindred.actor.DomainPattern;
import app.kindred.policy.DomainBlock.Severity;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Mastodon's CSV and plain domain lists, both ways, with every bad row reported by its line number. */
class BlocklistTest {

    private static DomainBlock block(
            String domain, Severity severity, boolean media, boolean reports, String comment, boolean obfuscate) {
        return new DomainBlock(DomainPattern.parse(domain), severity, media, reports, comment, "", obfuscate, null);
    }

    @Test
    void mastodonCsvRoundTrip() {
        var blocks = List.of(
                block("spam.example", Severity.SUSPEND, true, true, "spam, and more spam", false),
                block("loud.example:8443", Severity.LIMIT, false, true, "said \"hello\", loudly", true),
                block("*.flags.example", Severity.NOOP, true, false, "", false));
        var csv = Blocklist.export(blocks, Blocklist.Format.CSV, false);
        var lines = csv.lines().toList();
        assertEquals(Blocklist.CSV_HEADER, lines.get(0));
        assertEquals("spam.example,suspend,true,true,\"spam, and more spam\",false", lines.get(1));
        // Mastodon writes limit as "silence".
        assertEquals("loud.example:8443,silence,false,true,\"said \"\"hello\"\", loudly\",true", lines.get(2));
        assertEquals("*.flags.example,noop,true,false,,false", lines.get(3));

        var parsed = Blocklist.parse(csv);
        assertEquals(List.of(), parsed.errors());
        assertEquals(blocks, parsed.blocks());
    }

    @Test
    void readsMastodonsOwnExport() {
        var csv = """
                #domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate\r
                bad.example,suspend,false,false,Harassment,false\r
                quiet.example,silence,true,false,,true\r
                """;
        var parsed = Blocklist.parse(csv);
        assertEquals(List.of(), parsed.errors());
        assertEquals(
                List.of(
                        block("bad.example", Severity.SUSPEND, false, false, "Harassment", false),
                        block("quiet.example", Severity.LIMIT, true, false, "", true)),
                parsed.blocks());
    }

    @Test
    void columnsMayComeInAnyOrderAndMissingOnesTakeDefaults() {
        var parsed = Blocklist.parse("#severity,#domain\nsilence,a.example\n,b.example\n");
        assertEquals(List.of(), parsed.errors());
        assertEquals(Severity.LIMIT, parsed.blocks().get(0).severity());
        assertEquals(Severity.SUSPEND, parsed.blocks().get(1).severity(), "no severity means suspend");
        assertFalse(parsed.blocks().get(1).rejectMedia());
    }

    @Test
    void booleansInTheFormsListsUse() {
        var parsed = Blocklist.parse(
                "#domain,#reject_media,#reject_reports\na.example,TRUE,0\nb.example,1,no\nc.example,yes,\n");
        assertEquals(List.of(), parsed.errors());
        assertEquals(
                List.of(true, true, true),
                parsed.blocks().stream().map(DomainBlock::rejectMedia).toList());
        assertEquals(
                List.of(false, false, false),
                parsed.blocks().stream().map(DomainBlock::rejectReports).toList());

        var bad = Blocklist.parse("#domain,#reject_media\na.example,maybe\n");
        assertEquals(1, bad.errors().size());
        assertTrue(bad.errors().get(0).startsWith("line 2: "), bad.errors().toString());
        assertTrue(bad.errors().get(0).contains("maybe"), bad.errors().toString());
    }

    @Test
    void plainListRoundTripWithComments() {
        var text = """
                # shared by a friendly admin
                spam.example

                Loud.Example:8443   # too loud
                *.flags.example
                """;
        var parsed = Blocklist.parse(text);
        assertEquals(List.of(), parsed.errors());
        assertEquals(
                List.of("spam.example", "loud.example:8443", "*.flags.example"),
                parsed.blocks().stream().map(b -> b.domain().toString()).toList());
        assertTrue(parsed.blocks().stream().allMatch(b -> b.severity() == Severity.SUSPEND), "a plain list suspends");

        var exported = Blocklist.export(parsed.blocks(), Blocklist.Format.PLAIN, false);
        assertEquals("spam.example\nloud.example:8443\n*.flags.example\n", exported);
        assertEquals(parsed.blocks(), Blocklist.parse(exported).blocks());
    }

    @Test
    void aPlainLineIsOneDomainAndAtMostAComment() {
        // Taking the first word would turn "not a domain!" into a block of "not".
        var parsed = Blocklist.parse("good.example\nnot a domain!\nhttps://x.example y\nfine.example # ok\n");
        assertEquals(
                List.of(2, 3), lineNumbers(parsed.errors()), parsed.errors().toString());
        assertEquals(
                List.of("good.example", "fine.example"),
                parsed.blocks().stream().map(b -> b.domain().toString()).toList());
    }

    @Test
    void obfuscatesOnlyWhereAskedAndOnlyWhenPublishing() {
        var blocks = List.of(
                block("secret.example", Severity.SUSPEND, false, false, "", true),
                block("open.example", Severity.SUSPEND, false, false, "", false));
        var published = Blocklist.export(blocks, Blocklist.Format.PLAIN, true);
        assertFalse(published.contains("secret.example"), published);
        assertTrue(published.contains(DomainPattern.parse("secret.example").obfuscated()), published);
        assertTrue(published.contains("open.example"), published);
        assertTrue(Blocklist.export(blocks, Blocklist.Format.PLAIN, false).contains("secret.example"));
    }

    @Test
    void aThousandRowsWithThreeBadOnesReportExactlyThoseLines() {
        var sb = new StringBuilder(Blocklist.CSV_HEADER).append('\n');
        for (int i = 1; i <= 1000; i++) {
            // File line = row + 1 (the header is line 1).
            var row = switch (i) {
                case 17 -> "not a domain!,suspend,false,false,,false";
                case 500 -> "host500.example,obliterate,false,false,,false";
                case 999 -> "host999.example,suspend,false,false,\"unclosed comment,false";
                default -> "host" + i + ".example,suspend,false,false,\"row " + i + ", fine\",false";
            };
            sb.append(row).append('\n');
        }
        var parsed = Blocklist.parse(sb.toString());
        assertEquals(997, parsed.blocks().size());
        assertEquals(
                List.of(18, 501, 1000),
                lineNumbers(parsed.errors()),
                parsed.errors().toString());
        assertTrue(
                parsed.errors().get(0).contains("not a domain!"),
                parsed.errors().get(0));
        assertTrue(
                parsed.errors().get(1).contains("obliterate"), parsed.errors().get(1));
    }

    @Test
    void duplicatesAreReportedWithTheirLine() {
        var parsed = Blocklist.parse(
                Blocklist.CSV_HEADER + "\na.example,suspend,,,,\nb.example,suspend,,,,\nA.EXAMPLE,silence,,,,\n");
        assertEquals(List.of(4), lineNumbers(parsed.errors()), parsed.errors().toString());
        assertTrue(
                parsed.errors().get(0).contains("a.example is listed twice"),
                parsed.errors().get(0));
    }

    @Test
    void aRowWithMoreFieldsThanTheHeaderIsAnError() {
        var parsed = Blocklist.parse("#domain,#severity\na.example,suspend,extra\n");
        assertEquals(List.of(2), lineNumbers(parsed.errors()));
    }

    private static List<Integer> lineNumbers(List<String> errors) {
        var p = Pattern.compile("^line (\\d+): ");
        return errors.stream()
                .map(e -> {
                    var m = p.matcher(e);
                    assertTrue(m.find(), e);
                    return Integer.parseInt(m.group(1));
                })
                .toList();
    }
}
