package app.kindred.web;

import app.kindred.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.jsoup.Jsoup;

/** A browser as far as HTTP goes: keeps cookies, asks for HTML, follows no redirects, posts forms. */
final class WebClient {
    private final TestServer server;
    private final HttpClient http;
    final Map<String, String> cookies = new LinkedHashMap<>();

    WebClient(TestServer server) {
        this(server, HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER));
    }

    /** With a client of the caller's making (the privacy proof binds it to its own address); redirects are never followed. */
    WebClient(TestServer server, HttpClient.Builder client) {
        this.server = server;
        this.http = client.followRedirects(HttpClient.Redirect.NEVER).build();
    }

    HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create(server.base() + path)).GET());
    }

    HttpResponse<String> get(String path, Map<String, String> headers) {
        var request = HttpRequest.newBuilder(URI.create(server.base() + path)).GET();
        headers.forEach(request::header);
        return send(request);
    }

    /** Posts a form as it is, with whatever token the caller put in it (or none). */
    HttpResponse<String> post(String path, Map<String, String> form) {
        var body = form.entrySet().stream()
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
        return send(HttpRequest.newBuilder(URI.create(server.base() + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** Loads the page the form is on, takes its token, and posts the form with it. */
    HttpResponse<String> submit(String pagePath, String path, Map<String, String> form) {
        var withToken = new LinkedHashMap<>(form);
        withToken.put("csrf", token(pagePath));
        return post(path, withToken);
    }

    String token(String pagePath) {
        var page = get(pagePath);
        var input = Jsoup.parse(page.body()).selectFirst("input[name=csrf]");
        if (input == null) throw new AssertionError("no form token on " + pagePath + ": " + page.body());
        return input.val();
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        request.header("Accept", TestServer.BROWSER);
        if (!cookies.isEmpty()) {
            request.header(
                    "Cookie",
                    cookies.entrySet().stream()
                            .map(e -> e.getKey() + "=" + e.getValue())
                            .collect(Collectors.joining("; ")));
        }
        try {
            var response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            for (var header : response.headers().allValues("Set-Cookie")) {
                var pair = header.split(";", 2)[0].split("=", 2);
                if (header.contains("Max-Age=0")) cookies.remove(pair[0]);
                else cookies.put(pair[0], pair[1]);
            }
            return response;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
