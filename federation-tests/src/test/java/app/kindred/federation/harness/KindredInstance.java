package app.kindred.federation.harness;

import app.kindred.App;
import app.kindred.TestPostgres;
import app.kindred.community.Community;
import app.kindred.member.Member;
import app.kindred.member.Role;
import app.kindred.refusal.TryLater;
import app.kindred.storage.Sql;
import app.kindred.thread.Post;
import app.kindred.thread.PostStore;
import io.javalin.Javalin;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One real Kindred instance for a scenario: its own database, its own 127.0.0.1 port, plain http
 * and private addresses allowed, its delivery workers running, talking to the others over real HTTP.
 */
public final class KindredInstance implements AutoCloseable {
    private final String name;
    private final int port;
    private final Map<String, String> env;
    private App app;
    private Javalin web;
    // Behind TLS (startBehindTls): the front's certificate names the host, ids are https.
    private final String domain;
    private final String scheme;
    private final TlsFront front;

    private KindredInstance(String name, int port, Map<String, String> env) {
        this(name, port, env, "127.0.0.1:" + port, "http", null);
    }

    private KindredInstance(
            String name, int port, Map<String, String> env, String domain, String scheme, TlsFront front) {
        this.name = name;
        this.port = port;
        this.env = env;
        this.domain = domain;
        this.scheme = scheme;
        this.front = front;
    }

    public static KindredInstance start(String name) {
        return start(name, Map.of());
    }

    /** Starts with delivery workers running on a fast test clock (retries in milliseconds, 50 ms polling). */
    public static KindredInstance start(String name, Map<String, String> settings) {
        int port = freePort();
        var env = new HashMap<String, String>();
        env.put("KINDRED_INSTANCE_DOMAIN", "127.0.0.1:" + port);
        env.put("KINDRED_INSTANCE_NAME", name);
        env.put("KINDRED_DELIVERY_TIME_SCALE", "0.001");
        env.put("KINDRED_DELIVERY_POLL_INTERVAL", "50ms");
        env.putAll(settings);
        env.putIfAbsent("KINDRED_DATABASE_URL", TestPostgres.newDatabase());
        var instance = new KindredInstance(name, port, Map.copyOf(env));
        instance.open();
        return instance;
    }

    /**
     * Starts behind TLS, as in production: a {@link TlsFront} with a certificate from {@code ca} for
     * {@code <name>.kindred-tls.test} (which {@link TestHosts} resolves to 127.0.0.1) in front of the
     * instance's plain port, {@code instance.scheme = https}, ids {@code https://<name>.kindred-tls.test:<port>/...}.
     * The JVM must trust {@code ca} (javax.net.ssl.trustStore) before the first instance starts.
     * Private addresses are refused as in production, except for names under {@link TestHosts#SUFFIX}
     * ({@code federation.private_hosts}): those are the test's own hosts, on loopback.
     */
    public static KindredInstance startBehindTls(String name, TestCa ca) {
        return startBehindTls(name, ca, Map.of());
    }

    public static KindredInstance startBehindTls(String name, TestCa ca, Map<String, String> settings) {
        int port = freePort();
        var host = TestHosts.name(name);
        var front = TlsFront.start(ca.serverContext(host), port);
        var domain = host + ":" + front.port();
        var env = new HashMap<String, String>();
        env.put("KINDRED_INSTANCE_DOMAIN", domain);
        env.put("KINDRED_INSTANCE_SCHEME", "https");
        env.put("KINDRED_INSTANCE_NAME", name);
        env.put("KINDRED_DELIVERY_TIME_SCALE", "0.001");
        env.put("KINDRED_DELIVERY_POLL_INTERVAL", "50ms");
        env.put("KINDRED_FEDERATION_ALLOW_PRIVATE_ADDRESSES", "false");
        env.put("KINDRED_FEDERATION_PRIVATE_HOSTS", TestHosts.SUFFIX);
        env.putAll(settings);
        env.put("KINDRED_DATABASE_URL", TestPostgres.newDatabase());
        var instance = new KindredInstance(name, port, Map.copyOf(env), domain, "https", front);
        try {
            instance.open();
        } catch (RuntimeException e) {
            front.close();
            throw e;
        }
        return instance;
    }

    private void open() {
        app = App.open(TestPostgres.configFor(env.get("KINDRED_DATABASE_URL"), env));
        try {
            web = app.web().start("127.0.0.1", port);
        } catch (RuntimeException e) {
            app.close();
            app = null;
            throw e;
        }
        app.startWorkers();
    }

    /** Takes the instance off the network: web server, workers and pool stop; the database stays. */
    public synchronized void stop() {
        if (app == null) return;
        web.stop();
        app.close();
        web = null;
        app = null;
    }

    /** Starts it again on the same port and database, as after a restart. */
    public synchronized void restart() {
        if (app != null) throw new IllegalStateException(name + " is running");
        open();
    }

    private static int freePort() {
        try (var s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port", e);
        }
    }

    public Member member(String username) {
        return app().members().find(username).orElseThrow();
    }

    /**
     * A new member. On a saturated machine hashing the password can outlast the sign-up's wait, and
     * the server says "busy, try again after Retry-After" (TryLater) with nothing written: the test
     * does what any client does, waits that long and asks again.
     */
    public Member createMember(String username) {
        return createMember(username, Role.MEMBER);
    }

    /** A new member with that role; the password is {@code password-of-<username>}. */
    public Member createMember(String username, Role role) {
        for (int attempt = 1; ; attempt++) {
            try {
                return app().members().create(username, "password-of-" + username, role);
            } catch (TryLater busy) {
                if (attempt == 5) throw busy;
                try {
                    Thread.sleep(busy.retryAfter().toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw busy;
                }
            }
        }
    }

    public Community createCommunity(String communityName, String title, String moderator) {
        return app().communities().create(communityName, title, "", moderator);
    }

    public String domain() {
        return domain;
    }

    /** The TLS proxy in front (startBehindTls only), whose certificate a test can replace. */
    public TlsFront front() {
        if (front == null) throw new IllegalStateException(name + " is not behind TLS");
        return front;
    }

    public String baseUrl() {
        return scheme + "://" + domain();
    }

    public String handle(String localName) {
        return localName + "@" + domain();
    }

    /** The post or comment this instance holds under that id, if any: how scenarios check what arrived. */
    public Optional<Post> post(URI uri) {
        return app().database().read(c -> new PostStore().findByUri(c, uri));
    }

    /** This instance's id of the community whose Group actor has that id (its own or a remote one). */
    public long communityId(String actorUri) {
        return app().database()
                .read(c -> Sql.one(
                        c,
                        "select c.id from community c join actor a on a.id = c.actor_id where a.uri = ?",
                        rs -> rs.getLong(1),
                        actorUri))
                .orElseThrow();
    }

    /** The number a {@code select count(*)} query gives on this instance's database. */
    public long count(String sql, Object... params) {
        return app().database().read(c -> Sql.count(c, sql, params));
    }

    public App app() {
        if (app == null) throw new IllegalStateException(name + " is stopped");
        return app;
    }

    public String name() {
        return name;
    }

    @Override
    public void close() {
        stop();
        if (front != null) front.close();
    }
}
