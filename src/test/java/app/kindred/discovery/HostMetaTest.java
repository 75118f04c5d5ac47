package app.kindred.discovery;

import static app.kindred.TestServer.json;
import static app.kindred.TestServer.mediaType;
import static org.junit.jupiter.api.Assertions.*;

import app.kindred.TestServer;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** host-meta (RFC 6415): the lrdd template that leads older clients to our WebFinger. */
class HostMetaTest {
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String template() {
        return server.base() + "/.well-known/webfinger?resource={uri}";
    }

    @Test
    void xrdByDefault() throws Exception {
        var response = server.get("/.well-known/host-meta");
        assertEquals(200, response.statusCode());
        assertEquals("application/xrd+xml", mediaType(response));
        var factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        var xrd = factory.newDocumentBuilder()
                .parse(new ByteArrayInputStream(response.body().strip().getBytes(StandardCharsets.UTF_8)));
        var root = xrd.getDocumentElement();
        assertEquals("XRD", root.getLocalName());
        assertEquals("http://docs.oasis-open.org/ns/xri/xrd-1.0", root.getNamespaceURI());
        var links = root.getElementsByTagNameNS("http://docs.oasis-open.org/ns/xri/xrd-1.0", "Link");
        assertEquals(1, links.getLength());
        var link = (org.w3c.dom.Element) links.item(0);
        assertEquals("lrdd", link.getAttribute("rel"));
        assertEquals(template(), link.getAttribute("template"));
    }

    @Test
    void jsonAtItsOwnPath() {
        var response = server.get("/.well-known/host-meta.json");
        assertEquals(200, response.statusCode());
        assertEquals("application/json", mediaType(response));
        assertJsonTemplate(response);
    }

    @Test
    void jsonWhenAskedFor() {
        var response = server.get("/.well-known/host-meta", "application/json");
        assertEquals(200, response.statusCode());
        assertEquals("application/json", mediaType(response));
        assertJsonTemplate(response);
    }

    private static void assertJsonTemplate(java.net.http.HttpResponse<String> response) {
        var doc = json(response);
        var body = response.body();
        assertEquals(1, doc.get("links").size(), body);
        assertEquals("lrdd", doc.get("links").get(0).get("rel").asText());
        assertEquals(template(), doc.get("links").get(0).get("template").asText());
    }
}
