package app.kindred.federation.harness;

import app.kindred.App;
import app.kindred.TestPostgres;
import app.kindred.community.Community;
import app.kindred.member.Member;
import app.kindred.member.Role;
import app.kindred.web.WebServer;
import io.javalin.Javalin;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;

/**
 * One real Kindred instance for a scenario: its own database, its own 127.0.0.1 port, plain http
 * and private addresses allowed, talking to the others over real HTTP.
 */
public final class KindredInstance implements AutoCloseable {
    private final String name;
    private final App app;
    private final Javalin web;
    private final int port;

    private KindredInstance(String name, App app, Javalin web, int port) {
        this.name = name;
        this.app = app;
        this.web = web;
        this.port = port;
    }

    public static KindredInstance start(String name) {
        return start(name, Map.of());
    }

    public static KindredInstance start(String name, Map<String, String> settings) {
        int port = freePort();
        var env = new HashMap<String, String>();
        env.put("KINDRED_INSTANCE_DOMAIN", "127.0.0.1:" + port);
        env.put("KINDRED_INSTANCE_NAME", name);
        env.put("KINDRED_DELIVERY_TIME_SCALE", "0.001");
        env.put("KINDRED_DELIVERY_POLL_INTERVAL", "50ms");
        env.putAll(settings);
        var app = App.open(TestPostgres.config(env));
        var web = WebServer.create(app).start("127.0.0.1", port);
        app.startWorkers();
        return new KindredInstance(name, app, web, port);
    }

    private static int freePort() {
        try (var s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port", e);
        }
    }

    public Member member(String username) {
        return app.members().find(username).orElseThrow();
    }

    public Member createMember(String username) {
        return app.members().create(username, "password-of-" + username, Role.MEMBER);
    }

    public Community createCommunity(String communityName, String title, String moderator) {
        return app.communities().create(communityName, title, "", moderator);
    }

    public String domain() {
        return "127.0.0.1:" + port;
    }

    public String baseUrl() {
        return "http://" + domain();
    }

    public String handle(String localName) {
        return localName + "@" + domain();
    }

    public App app() {
        return app;
    }

    public String name() {
        return name;
    }

    @Override
    public void close() {
        web.stop();
        app.close();
    }
}
