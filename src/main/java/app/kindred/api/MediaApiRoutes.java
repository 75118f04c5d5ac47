package app.kindred.api;

import app.kindred.media.MediaService;
import app.kindred.member.Member;
import app.kindred.refusal.Refusal;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.UploadedFile;
import jakarta.servlet.MultipartConfigElement;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.Function;

/** Uploading an image (multipart), and an admin removing one everywhere it is used. */
final class MediaApiRoutes {
    static final String UPLOAD = "/api/v1/media";
    private static final String MULTIPART_CONFIG = "org.eclipse.jetty.multipartConfig";

    private final Function<Context, Member> member;
    private final MediaService media;
    private final long maxBytes;

    MediaApiRoutes(Function<Context, Member> member, MediaService media, long maxBytes) {
        this.member = member;
        this.media = media;
        this.maxBytes = maxBytes;
    }

    List<ApiRoutes.Endpoint> endpoints() {
        return List.of(
                new ApiRoutes.Endpoint(HandlerType.POST, UPLOAD, this::upload),
                new ApiRoutes.Endpoint(HandlerType.DELETE, "/api/v1/admin/media/{id}", ctx -> {
                    media.remove(member.apply(ctx), ApiRoutes.id(ctx));
                    ctx.status(204);
                }));
    }

    private void upload(Context ctx) {
        var uploader = member.apply(ctx);
        // The upload's own limits, not the JSON body limit; parts are kept in memory up to a few MB.
        ctx.req()
                .setAttribute(
                        MULTIPART_CONFIG, new MultipartConfigElement(null, maxBytes, maxBytes + 64 * 1024, 1 << 20));
        UploadedFile file;
        try {
            file = ctx.uploadedFile("file");
        } catch (Exception e) {
            // Jetty stops reading a part past the limit (Javalin passes on its checked exceptions unchecked);
            // anything else unreadable is the client's body too.
            throw Refusal.invalid(
                    "file", "the upload could not be read as multipart/form-data of at most " + maxBytes + " bytes");
        }
        if (file == null) throw Refusal.invalid("file", "send the image as the multipart field file");
        if (file.size() > maxBytes) {
            throw Refusal.invalid(
                    "file", "the file is " + file.size() + " bytes; images may be at most " + maxBytes + " bytes");
        }
        byte[] bytes;
        try (var in = file.content()) {
            bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE, maxBytes + 1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        var uploaded = media.upload(uploader, bytes, ctx.formParam("alt"));
        ctx.status(201)
                .json(new Views.MediaView(
                        uploaded.id(), media.url(uploaded), uploaded.width(), uploaded.height(), uploaded.alt()));
    }
}
