package app.kindred.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.kindred.RawHttp;
import app.kindred.TestServer;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Requests broken below the routes: Jetty's refusals are problems too, and a short body is the client's fault. */
class JettyEdgesTest {
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static void assertProblem(RawHttp.Response response, int status) throws Exception {
        assertEquals(status, response.status(), response.head() + "\n" + response.body());
        assertEquals(WebServer.PROBLEM_JSON, response.mediaType(), response.head());
        var problem = new ObjectMapper().readTree(response.body());
        assertEquals(status, problem.path("status").asInt(), response.body());
        assertFalse(problem.path("title").asText().isBlank(), response.body());
    }

    @Test
    void aHeaderTooLargeIsAProblemNotAnHtmlPage() throws Exception {
        var response = RawHttp.exchange(
                RawHttp.port(server),
                "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "a".repeat(64 * 1024) + "\r\nConnection: close",
                new byte[0]);

        assertProblem(response, 431);
    }

    @Test
    void aContentLengthThatIsNoNumberIsAProblemNotAnHtmlPage() throws Exception {
        var response = RawHttp.exchange(
                RawHttp.port(server),
                "POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Content-Type: application/json\r\nContent-Length: abc\r\nConnection: close",
                "{}".getBytes(StandardCharsets.UTF_8));

        assertProblem(response, 400);
    }

    @Test
    void aRequestJettyRefusesAsMalformedSaysItsConnectionCloses() throws Exception {
        // Kept alive, the request asks to reuse the connection; Jetty will not, so the answer must say so, or a
        // client sends its next request down a closed connection (StrictInputApiTest's POST after a refused GET).
        var response =
                RawHttp.exchange(RawHttp.port(server), "GET /c/support%00 HTTP/1.1\r\nHost: 127.0.0.1", new byte[0]);

        assertProblem(response, 400);
        assertEquals("close", response.header("Connection"), response.head());
    }

    @Test
    void aBodyShorterThanItsLengthIsAQuiet400WithNoStackTraceLogged() throws Exception {
        var root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        var appender = new ListAppender<ILoggingEvent>();
        appender.start();
        root.addAppender(appender);
        try {
            var response = RawHttp.exchange(
                    RawHttp.port(server),
                    "POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                            + "Content-Type: application/json\r\nContent-Length: 2000000",
                    "{".getBytes(StandardCharsets.UTF_8));

            // The client has half-closed: an answer may or may not reach it, but if one does it is a 400 problem.
            if (response.status() != -1) assertProblem(response, 400);
            Thread.sleep(200);
        } finally {
            root.detachAppender(appender);
        }
        for (var event : appender.list) {
            assertTrue(event.getThrowableProxy() == null, "no stack trace is logged: " + event.getFormattedMessage());
            assertFalse(
                    event.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.WARN), event.getFormattedMessage());
        }
    }
}
