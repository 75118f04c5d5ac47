package app.kindred.media;

import app.kindred.refusal.Refusal;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;

/**
 * Takes in an image nobody vouches for and gives back one we made: the format is read from the
 * bytes (never a name or a declared type), the size from the header before any pixel is decoded,
 * and what is served is a fresh JPEG or PNG drawn from the decoded pixels, so no EXIF, GPS, comment
 * or trailing HTML of the original survives. Animated GIFs keep their first frame.
 */
public final class ImageIntake {
    /** A decoded image costs about four bytes a pixel; two at once keep a burst of uploads from taking the heap. */
    private static final Semaphore DECODING = new Semaphore(2);

    public record Limits(long maxBytes, long maxPixels, int maxSide) {}

    /** An image we encoded: bytes, the content type we serve it with, and its size in pixels. */
    public record Clean(byte[] bytes, String contentType, int width, int height) {
        public String extension() {
            return contentType.equals("image/png") ? "png" : "jpg";
        }
    }

    enum Format {
        JPEG,
        PNG,
        GIF,
        WEBP
    }

    private final Limits limits;

    public ImageIntake(Limits limits) {
        this.limits = limits;
        ImageIO.setUseCache(false);
    }

    public Limits limits() {
        return limits;
    }

    public Clean clean(byte[] bytes) {
        if (bytes == null || bytes.length == 0) throw refuse("the file is empty");
        if (bytes.length > limits.maxBytes()) {
            throw refuse(
                    "the file is " + bytes.length + " bytes; images may be at most " + limits.maxBytes() + " bytes");
        }
        var format = sniff(bytes);
        try {
            if (!DECODING.tryAcquire(10, TimeUnit.SECONDS)) {
                throw new Refusal(
                        Refusal.Kind.CONFLICT, "file", "the server is busy with other images; try again in a moment");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw refuse("interrupted");
        }
        try {
            var image = decode(bytes, format);
            // The orientation is metadata too, and is dropped with the rest: applied to the pixels first,
            // so a phone photo is not served on its side.
            return encode(image, format == Format.JPEG ? exifOrientation(bytes) : 1);
        } finally {
            DECODING.release();
        }
    }

    /** The format by its magic bytes; SVG and everything else is refused by name so the member knows why. */
    static Format sniff(byte[] b) {
        if (starts(b, 0xFF, 0xD8, 0xFF)) return Format.JPEG;
        if (starts(b, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) return Format.PNG;
        if (starts(b, 'G', 'I', 'F', '8')) return Format.GIF;
        if (b.length >= 12
                && starts(b, 'R', 'I', 'F', 'F')
                && b[8] == 'W'
                && b[9] == 'E'
                && b[10] == 'B'
                && b[11] == 'P') {
            return Format.WEBP;
        }
        var head = new String(b, 0, Math.min(b.length, 1024), StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
        if (head.contains("<svg") || head.contains("<?xml")) {
            throw refuse("SVG images are not accepted (they can carry scripts); upload a JPEG, PNG, WebP or GIF");
        }
        throw refuse("the file is not a JPEG, PNG, WebP or GIF image");
    }

    private static boolean starts(byte[] b, int... magic) {
        if (b.length < magic.length) return false;
        for (int i = 0; i < magic.length; i++) if ((b[i] & 0xFF) != magic[i]) return false;
        return true;
    }

    private BufferedImage decode(byte[] bytes, Format format) {
        var readers = ImageIO.getImageReadersByFormatName(format.name().toLowerCase(Locale.ROOT));
        if (!readers.hasNext()) throw refuse("this server cannot read " + format + " images");
        ImageReader reader = readers.next();
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            // Metadata is never read: what we keep is pixels.
            reader.setInput(in, true, true);
            int width = reader.getWidth(0);
            int height = reader.getHeight(0);
            if (width <= 0 || height <= 0) throw refuse("the image says it has no pixels");
            // The header's claim is checked before decoding: a few bytes can promise billions of pixels.
            if ((long) width * height > limits.maxPixels() || width > 65_535 || height > 65_535) {
                throw refuse("the image is " + width + "x" + height + " pixels; at most " + limits.maxPixels()
                        + " pixels in all are accepted");
            }
            var damaged = new boolean[1];
            reader.addIIOReadWarningListener((IIOReadWarningListener) (source, warning) -> damaged[0] = true);
            var image = reader.read(0);
            if (damaged[0]) throw refuse("the image is damaged or cut short");
            return image;
        } catch (IOException | RuntimeException e) {
            if (e instanceof Refusal r) throw r;
            // Readers throw what they like on hostile input (IIOException, IndexOutOfBounds, NegativeArraySize...).
            throw refuse("the image is damaged or cut short, or not what its first bytes say");
        } finally {
            reader.dispose();
        }
    }

    private Clean encode(BufferedImage decoded, int orientation) {
        boolean alpha = decoded.getColorModel().hasAlpha();
        int w = decoded.getWidth(), h = decoded.getHeight();
        var source = decoded;
        double scale = Math.min(1.0, (double) limits.maxSide() / Math.max(w, h));
        int tw = Math.max(1, (int) Math.round(w * scale)), th = Math.max(1, (int) Math.round(h * scale));
        var target = new BufferedImage(tw, th, alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
        Graphics2D g = target.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            if (!alpha) {
                g.setColor(Color.WHITE);
                g.fillRect(0, 0, tw, th);
            }
            g.drawImage(source, 0, 0, tw, th, null);
        } finally {
            g.dispose();
        }
        target = oriented(target, orientation);
        tw = target.getWidth();
        th = target.getHeight();
        var out = new ByteArrayOutputStream();
        try {
            if (alpha) {
                ImageIO.write(target, "png", out);
                return new Clean(out.toByteArray(), "image/png", tw, th);
            }
            var writer = ImageIO.getImageWritersByFormatName("jpeg").next();
            try (var stream = ImageIO.createImageOutputStream(out)) {
                writer.setOutput(stream);
                var param = writer.getDefaultWriteParam();
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                param.setCompressionQuality(0.85f);
                // No metadata passed: the writer emits a bare JFIF header, nothing of the original.
                writer.write(null, new IIOImage(target, null, null), param);
            } finally {
                writer.dispose();
            }
            return new Clean(out.toByteArray(), "image/jpeg", tw, th);
        } catch (IOException e) {
            throw new IllegalStateException("encoding an image in memory failed", e);
        }
    }

    /** The pixels turned as EXIF orientation 2 to 8 says (mirrored, turned, or both); 1 or unknown leaves them. */
    static BufferedImage oriented(BufferedImage in, int orientation) {
        if (orientation < 2 || orientation > 8) return in;
        int w = in.getWidth(), h = in.getHeight();
        boolean swap = orientation >= 5;
        var out = new BufferedImage(swap ? h : w, swap ? w : h, in.getType());
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int argb = in.getRGB(x, y);
                switch (orientation) {
                    case 2 -> out.setRGB(w - 1 - x, y, argb);
                    case 3 -> out.setRGB(w - 1 - x, h - 1 - y, argb);
                    case 4 -> out.setRGB(x, h - 1 - y, argb);
                    case 5 -> out.setRGB(y, x, argb);
                    case 6 -> out.setRGB(h - 1 - y, x, argb);
                    case 7 -> out.setRGB(h - 1 - y, w - 1 - x, argb);
                    default -> out.setRGB(y, w - 1 - x, argb);
                }
            }
        }
        return out;
    }

    /** The Orientation tag (0x0112) of a JPEG's Exif segment, read by hand and defensively; 1 when there is none. */
    static int exifOrientation(byte[] b) {
        int i = 2;
        while (i + 4 <= b.length && (b[i] & 0xFF) == 0xFF) {
            int marker = b[i + 1] & 0xFF;
            if (marker == 0xDA || marker == 0xD9) break;
            int length = u16(b, i + 2, true);
            if (length < 2) break;
            int start = i + 4;
            if (marker == 0xE1
                    && start + 14 <= b.length
                    && b[start] == 'E'
                    && b[start + 1] == 'x'
                    && b[start + 2] == 'i'
                    && b[start + 3] == 'f') {
                int tiff = start + 6;
                boolean big = b[tiff] == 'M';
                int ifd = tiff + (int) u32(b, tiff + 4, big);
                if (ifd < tiff || ifd + 2 > b.length) return 1;
                int entries = u16(b, ifd, big);
                for (int e = 0; e < entries && ifd + 2 + e * 12 + 12 <= b.length; e++) {
                    int entry = ifd + 2 + e * 12;
                    if (u16(b, entry, big) == 0x0112) return u16(b, entry + 8, big);
                }
                return 1;
            }
            i += 2 + length;
        }
        return 1;
    }

    private static int u16(byte[] b, int at, boolean big) {
        if (at + 2 > b.length) return 0;
        return big ? ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF) : ((b[at + 1] & 0xFF) << 8) | (b[at] & 0xFF);
    }

    private static long u32(byte[] b, int at, boolean big) {
        if (at + 4 > b.length) return 0;
        return big
                ? ((long) u16(b, at, true) << 16) | u16(b, at + 2, true)
                : ((long) u16(b, at + 2, false) << 16) | u16(b, at, false);
    }

    private static Refusal refuse(String why) {
        return Refusal.invalid("file", why);
    }
}
