package app.kindred.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import app.kindred.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;

/** Checks that an answer is an RFC 9457 problem with the status and the field at fault. */
final class Problems {
    private Problems() {}

    static JsonNode assertProblem(HttpResponse<String> response, int status, String field) {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals("application/problem+json", TestServer.mediaType(response), response.body());
        var problem = TestServer.json(response);
        assertEquals(status, problem.get("status").asInt());
        assertFalse(problem.path("detail").asText().isBlank(), "a problem says what to change: " + response.body());
        if (field == null) assertFalse(problem.has("field"), response.body());
        else assertEquals(field, problem.path("field").asText(), response.body());
        return problem;
    }
}
