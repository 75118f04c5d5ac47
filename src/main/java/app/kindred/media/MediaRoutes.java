package app.kindred.media;

import app.kindred.refusal.Refusal;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

/**
 * Serves images from our own addresses: uploads under /media/{file}, other servers' images under
 * /media/remote/{signature}/{address}. The content type is the one we encoded, never sniffed.
 */
public final class MediaRoutes {
    private final MediaService media;
    private final MediaProxy proxy;

    public MediaRoutes(MediaService media, MediaProxy proxy) {
        this.media = media;
        this.proxy = proxy;
    }

    public void register(RoutesConfig routes) {
        routes.get("/media/{file}", this::upload);
        routes.get(MediaProxy.PATH + "{signature}/{address}", this::remote);
    }

    private void upload(Context ctx) {
        var served = media.file(ctx.pathParam("file"))
                .orElseThrow(() -> Refusal.notFound("there is no image " + ctx.pathParam("file")));
        // The name is random and the bytes never change under it: cache for a year.
        send(ctx, served.bytes(), served.contentType(), "public, max-age=31536000, immutable");
    }

    private void remote(Context ctx) {
        switch (proxy.serve(ctx.pathParam("signature"), ctx.pathParam("address"))) {
            case MediaProxy.Image image -> send(ctx, image.bytes(), image.contentType(), "public, max-age=86400");
            case MediaProxy.Refused refused -> {
                ctx.header("Cache-Control", "no-store");
                throw switch (refused.why()) {
                    case NOT_OURS, UNAVAILABLE -> Refusal.notFound(refused.detail());
                    case REJECTED -> new Refusal(Refusal.Kind.FORBIDDEN, null, refused.detail());
                };
            }
        }
    }

    private static void send(Context ctx, byte[] bytes, String contentType, String cacheControl) {
        ctx.header("Cache-Control", cacheControl)
                .header("X-Content-Type-Options", "nosniff")
                // Opened on its own, an image is never a document that runs anything.
                .header("Content-Security-Policy", "default-src 'none'; sandbox")
                .header("Cross-Origin-Resource-Policy", "same-site")
                .contentType(contentType)
                .result(bytes);
    }
}
