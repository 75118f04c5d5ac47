package app.kindred.policy;

import static org.junit.jupiter.api.Assertions.*;

import app.kindred.actor.DomainPattern;
import app.kindred.refusal.Refusal;
import org.junit.jupiter.api.Test;

/** What an admin writes is normalised to one stored form, and covers exactly the hosts it should. */
class DomainPatternTest {

    @Test
    void normalisesWhatAdminsPaste() {
        assertEquals("example.com", DomainPattern.parse("Example.COM").toString());
        assertEquals("example.com", DomainPattern.parse("  example.com/ ").toString());
        assertEquals("example.com", DomainPattern.parse("https://example.com/").toString());
        assertEquals(
                "example.com:8443",
                DomainPattern.parse("http://Example.com:8443").toString());
        assertEquals("*.example.com", DomainPattern.parse("*.EXAMPLE.com").toString());
        assertEquals("127.0.0.2:8080", DomainPattern.parse("127.0.0.2:8080").toString());
        // Stored as punycode, the form actor URIs carry on the wire.
        assertEquals(
                "xn--bcher-kva.example", DomainPattern.parse("Bücher.example").toString());
        assertEquals(DomainPattern.parse("xn--bcher-kva.example"), DomainPattern.parse("bücher.example"));
        var p = DomainPattern.parse("*.example.com:8443");
        assertEquals(new DomainPattern("example.com", 8443, true), p);
        assertEquals(p, DomainPattern.parse(p.toString()), "the stored form parses back to itself");
    }

    @Test
    void refusesWhatIsNotADomainNamingTheField() {
        for (var bad : new String[] {
            "",
            "   ",
            null,
            "*",
            "*.",
            "exa mple.com",
            "example.com:0",
            "example.com:65536",
            "example.com:http",
            "-example.com",
            "example-.com",
            "https://example.com/path",
            "ex_ample.com",
            "example..com",
            ":8080",
            "*.127.0.0.1",
            "a".repeat(64) + ".com"
        }) {
            var e = assertThrows(Refusal.class, () -> DomainPattern.parse(bad), String.valueOf(bad));
            assertEquals("domain", e.field(), String.valueOf(bad));
            assertEquals(Refusal.Kind.INVALID, e.kind());
            assertTrue(e.getMessage().contains("example.com:8443"), "says what to write instead: " + e.getMessage());
        }
    }

    @Test
    void aHostCoversItsSubdomainsAndEveryPort() {
        var p = DomainPattern.parse("example.com");
        assertTrue(p.covers("example.com"));
        assertTrue(p.covers("EXAMPLE.com"));
        assertTrue(p.covers("example.com:8443"));
        assertTrue(p.covers("a.example.com"));
        assertTrue(p.covers("a.b.example.com:80"));
        assertFalse(p.covers("badexample.com"), "a suffix of the name is not a subdomain");
        assertFalse(p.covers("example.com.evil"));
        assertFalse(p.covers("example.org"));
    }

    @Test
    void aHostWithPortCoversOnlyThatPort() {
        var p = DomainPattern.parse("example.com:8443");
        assertTrue(p.covers("example.com:8443"));
        assertTrue(p.covers("a.example.com:8443"));
        assertFalse(p.covers("example.com"));
        assertFalse(p.covers("example.com:8444"));
    }

    @Test
    void aWildcardCoversOnlySubdomains() {
        var p = DomainPattern.parse("*.example.com");
        assertTrue(p.covers("a.example.com"));
        assertTrue(p.covers("a.example.com:9000"));
        assertTrue(p.covers("b.a.example.com"));
        assertFalse(p.covers("example.com"));
        assertFalse(p.covers("example.com:9000"));
    }

    @Test
    void loopbackAddressesAreToldApart() {
        // Test instances differ by loopback address or by port.
        var two = DomainPattern.parse("127.0.0.2");
        assertTrue(two.covers("127.0.0.2"));
        assertTrue(two.covers("127.0.0.2:8080"));
        assertFalse(two.covers("127.0.0.3"));
        assertFalse(two.covers("127.0.0.3:8080"));
        var onePort = DomainPattern.parse("127.0.0.1:8080");
        assertTrue(onePort.covers("127.0.0.1:8080"));
        assertFalse(onePort.covers("127.0.0.1:8081"));
        // An address has no subdomains: a block of its last octets is not a block of the address.
        assertFalse(DomainPattern.parse("0.0.2").covers("127.0.0.2"));
        assertFalse(DomainPattern.parse("1").covers("127.0.0.1:8080"));
    }

    @Test
    void obfuscatedFormHidesTheMiddle() {
        var name = "example.com";
        var shown = DomainPattern.parse(name).obfuscated();
        assertEquals(name.length(), shown.length());
        assertNotEquals(name, shown);
        assertTrue(shown.contains("*"), shown);
        assertTrue(shown.startsWith("ex") && shown.endsWith("com"), "the ends stay recognisable: " + shown);
        assertEquals(
                "*.example.com".length(),
                DomainPattern.parse("*.example.com").obfuscated().length());
    }
}
