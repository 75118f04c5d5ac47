package app.kindred.media;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.ImageIO;

/** Images built in the test, hostile ones included, so no binary fixture hides what it is. */
public final class TestImages {
    private TestImages() {}

    public static byte[] png(int width, int height, boolean alpha) {
        var image = new BufferedImage(width, height, alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
        var g = image.createGraphics();
        g.setColor(new Color(40, 120, 200, alpha ? 128 : 255));
        g.fillRect(0, 0, width, height / 2);
        g.dispose();
        return write(image, "png");
    }

    /** Random pixels: PNG cannot compress them, so the file is about three bytes a pixel. */
    public static byte[] noisyPng(int width, int height) {
        var image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        var random = new Random(7);
        for (int y = 0; y < height; y++) for (int x = 0; x < width; x++) image.setRGB(x, y, random.nextInt(0xFFFFFF));
        return write(image, "png");
    }

    public static byte[] jpeg(int width, int height) {
        var image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        var g = image.createGraphics();
        g.setColor(Color.ORANGE);
        g.fillOval(0, 0, width, height);
        g.dispose();
        return write(image, "jpeg");
    }

    public static byte[] gif(int width, int height) {
        return write(new BufferedImage(width, height, BufferedImage.TYPE_BYTE_INDEXED), "gif");
    }

    /** A 1x1 lossless WebP (the JDK cannot write WebP; these are its 34 bytes). */
    public static byte[] webp() {
        return Base64.getDecoder().decode("UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==");
    }

    private static byte[] write(BufferedImage image, String format) {
        var out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) throw new IllegalStateException("no writer for " + format);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The place a phone writes where a photo was taken: 52°22'N 4°53'E, in an Exif APP1 segment after SOI. */
    public static final String GPS_MARK = "GPSMarkerKindredTest";

    public static byte[] jpegWithGps(int width, int height) {
        var plain = jpeg(width, height);
        var tiff = ByteBuffer.allocate(200);
        tiff.put("MM".getBytes(StandardCharsets.US_ASCII)).putShort((short) 42).putInt(8);
        // IFD0: ImageDescription (ASCII, offset) and GPSInfo (pointer to the GPS IFD).
        tiff.putShort((short) 2);
        byte[] description = (GPS_MARK + "\0").getBytes(StandardCharsets.US_ASCII);
        int ifd0End = 8 + 2 + 2 * 12 + 4;
        int descriptionAt = ifd0End;
        int gpsAt = descriptionAt + description.length + (description.length % 2);
        tiff.putShort((short) 0x010E)
                .putShort((short) 2)
                .putInt(description.length)
                .putInt(descriptionAt);
        tiff.putShort((short) 0x8825).putShort((short) 4).putInt(1).putInt(gpsAt);
        tiff.putInt(0);
        tiff.put(description);
        if (description.length % 2 == 1) tiff.put((byte) 0);
        // GPS IFD: GPSLatitudeRef "N", GPSLatitude 52/1 22/1 0/1.
        int gpsEntries = 2;
        int latitudeAt = gpsAt + 2 + gpsEntries * 12 + 4;
        tiff.putShort((short) gpsEntries);
        tiff.putShort((short) 1).putShort((short) 2).putInt(2).put(new byte[] {'N', 0, 0, 0});
        tiff.putShort((short) 2).putShort((short) 5).putInt(3).putInt(latitudeAt);
        tiff.putInt(0);
        tiff.putInt(52).putInt(1).putInt(22).putInt(1).putInt(0).putInt(1);
        byte[] tiffBytes = Arrays.copyOf(tiff.array(), tiff.position());
        var segment = new ByteArrayOutputStream();
        byte[] exif = "Exif\0\0".getBytes(StandardCharsets.US_ASCII);
        int length = 2 + exif.length + tiffBytes.length;
        segment.write(0xFF);
        segment.write(0xE1);
        segment.write(length >> 8);
        segment.write(length & 0xFF);
        segment.writeBytes(exif);
        segment.writeBytes(tiffBytes);
        var out = new ByteArrayOutputStream();
        out.write(plain, 0, 2);
        out.writeBytes(segment.toByteArray());
        out.write(plain, 2, plain.length - 2);
        return out.toByteArray();
    }

    /** A JPEG whose Exif says to turn it (orientation 6: 90 degrees clockwise), as phones write portrait photos. */
    public static byte[] jpegWithOrientation(int width, int height, int orientation) {
        var plain = jpeg(width, height);
        var tiff = ByteBuffer.allocate(26).order(ByteOrder.LITTLE_ENDIAN);
        tiff.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8);
        tiff.putShort((short) 1);
        tiff.putShort((short) 0x0112)
                .putShort((short) 3)
                .putInt(1)
                .putShort((short) orientation)
                .putShort((short) 0);
        tiff.putInt(0);
        byte[] exif = "Exif\0\0".getBytes(StandardCharsets.US_ASCII);
        int length = 2 + exif.length + tiff.capacity();
        var out = new ByteArrayOutputStream();
        out.write(plain, 0, 2);
        out.write(0xFF);
        out.write(0xE1);
        out.write(length >> 8);
        out.write(length & 0xFF);
        out.writeBytes(exif);
        out.writeBytes(tiff.array());
        out.write(plain, 2, plain.length - 2);
        return out.toByteArray();
    }

    /** The marker segments of a JPEG up to its image data (APP0 = 0xE0, APP1 = 0xE1 ...). */
    public static List<Integer> jpegMarkers(byte[] jpeg) {
        var markers = new ArrayList<Integer>();
        int i = 2;
        while (i + 4 <= jpeg.length && (jpeg[i] & 0xFF) == 0xFF) {
            int marker = jpeg[i + 1] & 0xFF;
            markers.add(marker);
            if (marker == 0xDA) break;
            int length = ((jpeg[i + 2] & 0xFF) << 8) | (jpeg[i + 3] & 0xFF);
            i += 2 + length;
        }
        return markers;
    }

    /** A valid PNG header that claims width x height pixels, with a few bytes of data: a decompression bomb's shape. */
    public static byte[] pngClaiming(int width, int height) {
        var out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        chunk(
                out,
                "IHDR",
                ByteBuffer.allocate(13)
                        .putInt(width)
                        .putInt(height)
                        .put((byte) 8)
                        .put((byte) 2)
                        .put((byte) 0)
                        .put((byte) 0)
                        .put((byte) 0)
                        .array());
        // Zeros compress a thousand to one: this is how a small file becomes gigabytes of pixels.
        var deflater = new Deflater(9);
        deflater.setInput(new byte[1 << 20]);
        deflater.finish();
        var compressed = new byte[1 << 16];
        int n = deflater.deflate(compressed);
        chunk(out, "IDAT", Arrays.copyOf(compressed, n));
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        var typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(typeBytes);
        out.writeBytes(data);
        var crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    public static boolean contains(byte[] haystack, String needle) {
        return new String(haystack, StandardCharsets.ISO_8859_1).contains(needle);
    }
}
