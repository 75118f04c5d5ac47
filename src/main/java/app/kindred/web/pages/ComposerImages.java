package app.kindred.web.pages;

import app.kindred.media.Media;
import app.kindred.media.MediaService;
import app.kindred.member.Member;
import app.kindred.refusal.Refusal;
import app.kindred.web.Messages;
import app.kindred.web.pages.Views.FieldError;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import jakarta.servlet.MultipartConfigElement;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The composer's images without JavaScript: up to {@link MediaService#PER_POST} file fields, each
 * with its alt text. Each file is cleaned and stored as it arrives; when the form must come back
 * (an error, a preview) the images already taken in travel as hidden ids, so nothing is chosen twice.
 */
public final class ComposerImages {
    static final int SLOTS = MediaService.PER_POST;
    private static final String MULTIPART_CONFIG = "org.eclipse.jetty.multipartConfig";

    /** One place for an image on the form: empty, or holding an image already taken in. */
    public record Slot(int n, Long id, String url, String alt, int width, int height) {
        public boolean filled() {
            return id != null;
        }
    }

    /** What a submitted form said about its images: those held, in order, and the problems by their fields. */
    record Read(List<Slot> slots, List<FieldError> errors) {
        List<Long> ids() {
            return slots.stream().filter(Slot::filled).map(Slot::id).toList();
        }
    }

    private final MediaService media;
    private final long maxBytes;

    public ComposerImages(MediaService media, long maxBytes) {
        this.media = media;
        this.maxBytes = maxBytes;
    }

    static List<Slot> empty() {
        var out = new ArrayList<Slot>();
        for (int n = 1; n <= SLOTS; n++) out.add(new Slot(n, null, null, null, 0, 0));
        return out;
    }

    /** The fields of the alt texts typed, so a form that comes back keeps them. */
    static String[] altFields() {
        var names = new String[SLOTS];
        for (int n = 1; n <= SLOTS; n++) names[n - 1] = "alt" + n;
        return names;
    }

    /**
     * Must run before anything reads the form: the parts of a multipart form are read with our
     * limits (a file may exceed its own limit and be refused by its field, keeping the text; only
     * the whole request has a hard ceiling).
     */
    boolean prepare(Context ctx) {
        var type = String.valueOf(ctx.contentType()).toLowerCase(Locale.ROOT);
        if (!type.startsWith("multipart/form-data")) return true;
        long ceiling = (maxBytes + 64 * 1024) * SLOTS + 256 * 1024;
        ctx.req().setAttribute(MULTIPART_CONFIG, new MultipartConfigElement(null, -1, ceiling, 1 << 20));
        try {
            ctx.formParamMap();
            return true;
        } catch (RuntimeException e) {
            // Past the ceiling Jetty stops reading: nothing of the form can be kept.
            return false;
        }
    }

    /** The images held and the new files, each new one cleaned and stored under its alt text. */
    Read read(Context ctx, Member member, Messages m) {
        var slots = new ArrayList<Slot>();
        var errors = new ArrayList<FieldError>();
        var multipart =
                String.valueOf(ctx.contentType()).toLowerCase(Locale.ROOT).startsWith("multipart/form-data");
        for (int n = 1; n <= SLOTS; n++) {
            var held = held(ctx, member, n);
            if (held != null) {
                if (ctx.formParam("remove" + n) == null) slots.add(held);
                else slots.add(new Slot(n, null, null, null, 0, 0));
                continue;
            }
            var file = multipart ? file(ctx, n) : null;
            var alt = ctx.formParam("alt" + n);
            if (file == null) {
                slots.add(new Slot(n, null, null, null, 0, 0));
                continue;
            }
            if (alt == null || alt.isBlank()) {
                errors.add(new FieldError("alt" + n, m.t("images.altMissing", n)));
                slots.add(new Slot(n, null, null, null, 0, 0));
                continue;
            }
            if (file.size() > maxBytes) {
                errors.add(new FieldError(
                        "image" + n, m.t("images.tooLarge", n, megabytes(file.size()), megabytes(maxBytes))));
                slots.add(new Slot(n, null, null, null, 0, 0));
                continue;
            }
            try (var in = file.content()) {
                var uploaded = media.upload(member, in.readNBytes((int) maxBytes + 1), alt);
                slots.add(slot(n, uploaded));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (Refusal r) {
                var field = "alt".equals(r.field()) ? "alt" + n : "image" + n;
                errors.add(new FieldError(field, m.t("images.refused", n, Site.sentence(r.getMessage()))));
                slots.add(new Slot(n, null, null, null, 0, 0));
            }
        }
        return new Read(List.copyOf(slots), List.copyOf(errors));
    }

    /** A single picture from a form (avatar, icon, banner): none chosen, taken in, or refused by its field. */
    sealed interface Picture {
        record NoneChosen() implements Picture {}

        record Taken(Media media) implements Picture {}

        record Refused(FieldError error) implements Picture {}
    }

    Picture picture(Context ctx, Member member, String field, Messages m) {
        var file = ctx.uploadedFile(field);
        if (file == null
                || file.size() == 0
                || file.filename() == null
                || file.filename().isBlank()) return new Picture.NoneChosen();
        if (file.size() > maxBytes) {
            return new Picture.Refused(
                    new FieldError(field, m.t("images.tooLarge", 1, megabytes(file.size()), megabytes(maxBytes))));
        }
        try (var in = file.content()) {
            return new Picture.Taken(media.upload(member, in.readNBytes((int) maxBytes + 1), null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Refusal r) {
            return new Picture.Refused(new FieldError(field, Site.sentence(r.getMessage())));
        }
    }

    private Slot slot(int n, Media m) {
        return new Slot(n, m.id(), media.url(m), m.alt(), m.width(), m.height());
    }

    /** An image this member took in on an earlier round of the same form (a hidden id); anyone else's is ignored. */
    private Slot held(Context ctx, Member member, int n) {
        var raw = ctx.formParam("image" + n + "_id");
        if (raw == null || raw.isBlank()) return null;
        try {
            return media.find(Long.parseLong(raw.strip()))
                    .filter(m -> !m.removed()
                            && m.ownerId() != null
                            && m.ownerId() == member.actor().id())
                    .map(m -> slot(n, m))
                    .orElse(null);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static UploadedFile file(Context ctx, int n) {
        var file = ctx.uploadedFile("image" + n);
        // A file field left empty still arrives, with no name and no bytes.
        if (file == null
                || file.size() == 0
                || file.filename() == null
                || file.filename().isBlank()) return null;
        return file;
    }

    private static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1_048_576.0);
    }
}
