package app.kindred.web.pages;

import app.kindred.community.CommunityService;
import app.kindred.instance.InstanceSettings;
import app.kindred.web.pages.Views.FrontPage;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The front page and the stylesheet. */
public final class FrontPages {
    static final String STYLESHEET = "/app/kindred/web/kindred.css";

    private final Site site;
    private final CommunityService communities;
    private final String domain;
    private final InstanceSettings settings;
    private final byte[] css;
    private final String cssTag;

    public FrontPages(Site site, CommunityService communities, String domain, InstanceSettings settings) {
        this.site = site;
        this.communities = communities;
        this.domain = domain;
        this.settings = settings;
        this.css = resource(STYLESHEET);
        this.cssTag = "\"" + hash(css) + "\"";
    }

    public void register(RoutesConfig routes) {
        routes.get("/", this::front);
        // "/help" is CommunityCarePages': it lists the crisis resources.
        routes.get("/kindred.css", this::stylesheet);
    }

    private void front(Context ctx) {
        var lastPosts = communities.lastPosts();
        var cards = communities.directory().stream()
                .filter(l -> l.community().actor().local())
                .map(l -> Cards.community(l, lastPosts.get(l.community().id())))
                .toList();
        site.send(
                ctx,
                "front.jte",
                site.chrome(ctx, site.instanceName()),
                new FrontPage(
                        site.instanceName(),
                        domain,
                        // Applying is signing up too: the front page offers it in both modes.
                        settings.registrations() != InstanceSettings.Registrations.CLOSED,
                        cards));
    }

    /** Served from memory with a validator, so a browser asks again cheaply and gets 304 until a new build. */
    private void stylesheet(Context ctx) {
        ctx.header("ETag", cssTag);
        ctx.header("Cache-Control", "public, max-age=86400");
        ctx.header("X-Content-Type-Options", "nosniff");
        if (cssTag.equals(ctx.header("If-None-Match"))) {
            ctx.status(304);
            return;
        }
        ctx.contentType("text/css; charset=utf-8").result(css);
    }

    private static byte[] resource(String path) {
        try (var in = FrontPages.class.getResourceAsStream(path)) {
            if (in == null) throw new IllegalStateException(path + " is missing from the build");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String hash(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
