package app.kindred.api;

import app.kindred.TestServer;
import app.kindred.member.Role;
import app.kindred.storage.Sql;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Speaks the client API of a started test server over real HTTP, as a member's app would. */
public final class ApiClient {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String PASSWORD = "correct horse battery";

    private final TestServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    public ApiClient(TestServer server) {
        this.server = server;
    }

    public HttpResponse<String> send(String method, String path, String body, String token) {
        var request = HttpRequest.newBuilder(URI.create(server.base() + path))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) request.header("Content-Type", "application/json");
        if (token != null) request.header("Authorization", "Bearer " + token);
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpResponse<String> get(String path, String token) {
        return send("GET", path, null, token);
    }

    public HttpResponse<String> post(String path, Object body, String token) {
        return send("POST", path, json(body), token);
    }

    public HttpResponse<String> patch(String path, Object body, String token) {
        return send("PATCH", path, json(body), token);
    }

    public HttpResponse<String> delete(String path, String token) {
        return send("DELETE", path, null, token);
    }

    /** Creates a member directly and signs them in through the API; returns the token. */
    public String member(String username) {
        server.app().members().create(username, PASSWORD, Role.MEMBER);
        return logIn(username);
    }

    public String logIn(String username) {
        var response = post("/api/v1/auth/login", java.util.Map.of("username", username, "password", PASSWORD), null);
        if (response.statusCode() != 200) throw new AssertionError("login failed: " + response.body());
        return TestServer.json(response).get("token").asText();
    }

    /** Creates a community through the API and returns its id. */
    public long community(String token, String name) {
        var response = post(
                "/api/v1/communities",
                java.util.Map.of("name", name, "title", "The " + name, "description", ""),
                token);
        if (response.statusCode() != 201) throw new AssertionError("community failed: " + response.body());
        return TestServer.json(response).get("id").asLong();
    }

    public long count(String sql, Object... params) {
        return server.app().database().read(c -> Sql.count(c, sql, params));
    }

    public static JsonNode body(HttpResponse<String> response) {
        return TestServer.json(response);
    }

    private static String json(Object body) {
        if (body == null) return null;
        if (body instanceof String s) return s;
        try {
            return JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
