package app.kindred.api;

import static org.junit.jupiter.api.Assertions.*;

import app.kindred.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** The served OpenAPI document and docs/api.md name every route the API registers, so neither drifts. */
class OpenApiDocumentTest {

    @Test
    void everyRegisteredRouteIsInTheOpenApiDocumentAndTheGuide() throws Exception {
        try (var server = TestServer.start()) {
            var response = server.get("/api/openapi.json");
            assertEquals(200, response.statusCode());
            assertEquals("application/json", TestServer.mediaType(response));
            var doc = TestServer.json(response);
            assertEquals("3.1.0", doc.get("openapi").asText());
            var guide = Files.readString(Path.of("docs/api.md"));

            var endpoints = server.app().apiRoutes().endpoints();
            assertTrue(endpoints.stream()
                            .filter(e -> e.path().startsWith("/api/v1/"))
                            .count()
                    >= 18);
            for (var endpoint : endpoints) {
                var method = endpoint.method().name().toLowerCase(Locale.ROOT);
                var operation = doc.path("paths").path(endpoint.path()).path(method);
                assertFalse(
                        operation.isMissingNode(),
                        endpoint.method() + " " + endpoint.path() + " is missing from openapi.json");
                assertTrue(operation.has("responses"), endpoint.path());
                var heading = endpoint.method().name() + " " + endpoint.path();
                assertTrue(guide.contains(heading), heading + " is missing from docs/api.md");
            }
            // And the document lists nothing that is not served.
            int documented = 0;
            for (var path : (Iterable<java.util.Map.Entry<String, com.fasterxml.jackson.databind.JsonNode>>)
                    doc.get("paths")::fields) {
                for (var method : (Iterable<String>) path.getValue()::fieldNames) {
                    documented++;
                    assertTrue(
                            endpoints.stream()
                                    .anyMatch(e -> e.path().equals(path.getKey())
                                            && e.method().name().equalsIgnoreCase(method)),
                            method + " " + path.getKey() + " is documented but not served");
                }
            }
            assertEquals(endpoints.size(), documented);
        }
    }
}
