package app.kindred.web;

import app.kindred.config.Config;
import app.kindred.http.Problem;
import app.kindred.refusal.Refusal;
import app.kindred.refusal.TryLater;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import java.io.EOFException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.eclipse.jetty.http.BadMessageException;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.util.component.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Builds the Javalin app without starting it, so tests start it on port 0: the server's limits,
 * the routes of every door, the member pages, and how it answers what goes wrong. It is handed its
 * parts rather than the whole application, which imports it.
 */
public final class WebServer {
    private static final Logger log = LoggerFactory.getLogger(WebServer.class);
    public static final String PROBLEM_JSON = Problem.MEDIA_TYPE;

    private WebServer() {}

    /** Hears of each request once it is answered (the metrics, when they are on). */
    @FunctionalInterface
    public interface RequestObserver {
        void request(String method, String route, int status, Duration took);
    }

    public static ObjectMapper jsonMapper() {
        return new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    }

    /**
     * @param databaseProblem what is wrong with the database right now, for the health check; empty when nothing
     * @param routes registers every door's routes, given the pages at addresses the fediverse shares
     * @param observer told of each request's route template, status and time (metrics), when there is one
     */
    public static Javalin create(
            Config.Server limits,
            Supplier<Optional<String>> databaseProblem,
            BiConsumer<RoutesConfig, Map<String, Handler>> routes,
            Pages pages,
            Optional<RequestObserver> observer) {
        var mapper = jsonMapper();
        return Javalin.create(config -> {
            config.concurrency.useVirtualThreads = true;
            config.startup.showJavalinBanner = false;
            config.http.maxRequestSize = limits.maxBodyBytes();
            config.jsonMapper(new JavalinJackson(mapper, true));
            // Path only: query strings can carry tokens, and we never log client addresses.
            config.requestLogger.http((ctx, ms) -> {
                log.info("{} {} {} {}ms", ctx.method(), ctx.path(), ctx.statusCode(), Math.round(ms));
                observer.ifPresent(o -> o.request(
                        ctx.method().name(),
                        route(ctx),
                        ctx.statusCode(),
                        Duration.ofNanos(Math.round(ms * 1_000_000))));
                MDC.remove(REQUEST_ID);
            });
            config.jetty.modifyHttpConfiguration(http -> {
                http.setRequestHeaderSize(limits.maxHeaderBytes());
                // Jetty's own stream timeout: a request whose body stops arriving is ended.
                http.setIdleTimeout(limits.idleTimeout().toMillis());
            });
            config.jetty.modifyServer(server -> {
                server.setStopTimeout(10_000);
                // Requests Jetty refuses before our routes see them (431, a bad Content-Length) get a problem too.
                server.setErrorHandler(new ProblemErrorHandler());
                server.addBean(new NetworkConnectionLimit(limits.maxConnections(), server));
                // Javalin sets the handler and the connectors after this, so they are shaped as the server starts.
                server.addEventListener(new LifeCycle.Listener() {
                    @Override
                    public void lifeCycleStarting(LifeCycle event) {
                        Capacity.apply(server, limits);
                    }
                });
            });

            // Every log line of a request carries its id (JSON logs show it as mdc.request_id): random, never the
            // client's.
            config.routes.before(ctx -> MDC.put(REQUEST_ID, requestId()));
            config.routes.before(WebServer::refuseNulInTarget);
            config.routes.get("/healthz", ctx -> health(databaseProblem, ctx));
            routes.accept(config.routes, pages.sharedAddresses());
            pages.register(config.routes);

            // Browsers asking for HTML get pages; the API and ActivityPub clients keep problem JSON.
            config.routes.exception(Refusal.class, (e, ctx) -> {
                if (Pages.wantsPage(ctx)) pages.error(ctx, refusalStatus(e.kind()), e.getMessage());
                else problem(ctx, refusalStatus(e.kind()), refusalTitle(e.kind()), e.getMessage(), e.field());
            });
            config.routes.exception(HttpResponseException.class, (e, ctx) -> {
                if (Pages.wantsPage(ctx)) pages.error(ctx, e.getStatus(), null);
                else problem(ctx, e.getStatus(), e.getMessage(), null, null);
            });
            config.routes.exception(TryLater.class, (e, ctx) -> {
                if (e.kind() == TryLater.Kind.BUSY) shed(ctx, e);
                ctx.header("Retry-After", Long.toString(e.retryAfterSeconds()));
                if (Pages.wantsPage(ctx)) pages.error(ctx, tryLaterStatus(e), e.getMessage());
                else tryLater(ctx, e);
            });
            config.routes.exception(Exception.class, (e, ctx) -> {
                if (cutShort(e)) {
                    // The client stopped sending before its Content-Length: its fault, not ours, and no news.
                    log.debug("{} {}: the request body ended early", ctx.method(), ctx.path());
                    problem(
                            ctx,
                            400,
                            "The request body ended early",
                            "the body is shorter than its Content-Length",
                            null);
                    return;
                }
                log.error("unexpected failure in {} {}", ctx.method(), ctx.path(), e);
                if (Pages.wantsPage(ctx)) pages.error(ctx, 500, null);
                else
                    problem(
                            ctx,
                            500,
                            "Something went wrong on our side",
                            "the error is logged for the admins; try again later",
                            null);
            });
            config.routes.error(404, ctx -> {
                if (ctx.result() != null) return;
                if (Pages.wantsPage(ctx)) pages.error(ctx, 404, null);
                else problem(ctx, 404, "Not found", "nothing is at " + ctx.path(), null);
            });
            config.routes.error(405, ctx -> {
                if (Pages.wantsPage(ctx)) pages.error(ctx, 405, null);
                else problem(ctx, 405, "Method not allowed", ctx.method() + " is not allowed on " + ctx.path(), null);
            });
        });
    }

    private static final String REQUEST_ID = "request_id";
    private static final SecureRandom IDS = new SecureRandom();

    private static String requestId() {
        var bytes = new byte[8];
        IDS.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** The route template a request matched ("/p/{id}"), so the metrics never carry ids or names; "unmatched" for none. */
    private static String route(Context ctx) {
        try {
            var endpoint = ctx.endpoints().matchedHttpEndpoint();
            return endpoint == null ? "unmatched" : endpoint.path;
        } catch (RuntimeException e) {
            return "unmatched";
        }
    }

    /** A NUL in a path or query would reach the database as a name or id, and PostgreSQL refuses it (a 500). */
    private static void refuseNulInTarget(Context ctx) {
        var target = ctx.req().getRequestURI() + "?" + ctx.queryString();
        if (target.contains("%00") || target.indexOf('\0') >= 0) {
            throw new Refusal(Refusal.Kind.BAD_REQUEST, null, "the address contains a NUL character (%00)");
        }
    }

    /** A body that ended before its declared length: Jetty says so with an EofException or a bad message. */
    static boolean cutShort(Throwable e) {
        for (var cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof EofException || cause instanceof EOFException || cause instanceof BadMessageException)
                return true;
            if (cause.getCause() == cause) break;
        }
        return false;
    }

    private static void health(Supplier<Optional<String>> databaseProblem, Context ctx) {
        var problem = databaseProblem.get();
        if (problem.isEmpty()) {
            ctx.json(Map.of("status", "ok"));
        } else {
            problem(ctx, 503, "Database unavailable", problem.get(), null);
        }
    }

    /** 429 (a rate limit) or 503 (at capacity), each with Retry-After and a detail that says what to wait for. */
    public static void tryLater(Context ctx, TryLater e) {
        var limited = e.kind() == TryLater.Kind.RATE_LIMITED;
        ctx.header("Retry-After", Long.toString(e.retryAfterSeconds()));
        problem(
                ctx,
                tryLaterStatus(e),
                limited ? "Too many requests" : "Busy for a moment, try again shortly",
                e.getMessage(),
                null);
    }

    static int tryLaterStatus(TryLater e) {
        if (e.kind() == TryLater.Kind.RATE_LIMITED) return 429;
        return 503;
    }

    private static final AtomicLong SHED = new AtomicLong();
    private static final AtomicLong LAST_SHED_LINE = new AtomicLong();

    /** Admins should know load was shed, but a flood must not become a flood of log lines: one a minute. */
    private static void shed(Context ctx, TryLater e) {
        long count = SHED.incrementAndGet();
        long now = System.nanoTime(), last = LAST_SHED_LINE.get();
        if ((last == 0 || now - last > TimeUnit.MINUTES.toNanos(1)) && LAST_SHED_LINE.compareAndSet(last, now)) {
            log.warn(
                    "answered 503 to {} {} ({}); {} request(s) answered 503 since start",
                    ctx.method(),
                    ctx.path(),
                    e.getMessage(),
                    count);
        }
    }

    public static void problem(Context ctx, int status, String title, String detail, String field) {
        Problem.send(ctx, status, title, detail, field);
    }

    static int refusalStatus(Refusal.Kind kind) {
        return switch (kind) {
            case BAD_REQUEST -> 400;
            case INVALID -> 422;
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case FORBIDDEN -> 403;
            case UNAUTHORIZED -> 401;
            case UNSUPPORTED_MEDIA_TYPE -> 415;
        };
    }

    private static String refusalTitle(Refusal.Kind kind) {
        return switch (kind) {
            case BAD_REQUEST -> "The request is malformed";
            case INVALID -> "A field is not valid";
            case NOT_FOUND -> "Not found";
            case CONFLICT -> "That conflicts with what exists";
            case FORBIDDEN -> "Not allowed";
            case UNAUTHORIZED -> "Sign in first";
            case UNSUPPORTED_MEDIA_TYPE -> "Unsupported content type";
        };
    }
}
