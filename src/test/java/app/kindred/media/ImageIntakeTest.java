package app.kindred.media;

import static org.junit.jupiter.api.Assertions.*;

import app.kindred.refusal.Refusal;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** Every image is taken in by its content, checked from its header, and re-encoded without what came with it. */
class ImageIntakeTest {
    private final ImageIntake intake = new ImageIntake(new ImageIntake.Limits(2_000_000, 40_000_000, 512));

    @Test
    void aPhotoLosesItsExifAndGpsWhenReEncoded() throws Exception {
        var photo = TestImages.jpegWithGps(64, 48);
        assertTrue(TestImages.jpegMarkers(photo).contains(0xE1), "the test photo carries an APP1 Exif segment");
        assertTrue(TestImages.contains(photo, "Exif") && TestImages.contains(photo, TestImages.GPS_MARK));

        var clean = intake.clean(photo);
        assertEquals("image/jpeg", clean.contentType());
        assertEquals(64, clean.width());
        assertEquals(48, clean.height());
        assertFalse(TestImages.jpegMarkers(clean.bytes()).contains(0xE1), "no APP1 (Exif/XMP) segment survives");
        assertFalse(TestImages.contains(clean.bytes(), "Exif"));
        assertFalse(TestImages.contains(clean.bytes(), TestImages.GPS_MARK));
        assertNotNull(
                ImageIO.read(new ByteArrayInputStream(clean.bytes())), "what comes out is a JPEG anyone can read");
    }

    @Test
    void aPhotosExifOrientationIsAppliedToItsPixelsBeforeTheTagIsDropped() {
        var portrait = intake.clean(TestImages.jpegWithOrientation(60, 20, 6));
        assertEquals(20, portrait.width(), "turned a quarter: the long side is now upright");
        assertEquals(60, portrait.height());
        assertFalse(TestImages.jpegMarkers(portrait.bytes()).contains(0xE1));
        var upsideDown = intake.clean(TestImages.jpegWithOrientation(60, 20, 3));
        assertEquals(60, upsideDown.width());
        var plain = intake.clean(TestImages.jpegWithGps(60, 20));
        assertEquals(60, plain.width(), "no orientation tag: left as it is");
    }

    @Test
    void orientationTurnsAndMirrorsTheRightWay() {
        var image = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, 0xFF0000);
        var turned = ImageIntake.oriented(image, 6);
        assertEquals(0xFF0000, turned.getRGB(1, 0) & 0xFFFFFF, "top-left goes top-right when turned clockwise");
        var back = ImageIntake.oriented(image, 8);
        assertEquals(0xFF0000, back.getRGB(0, 2) & 0xFFFFFF, "top-left goes bottom-left when turned anticlockwise");
        assertEquals(0xFF0000, ImageIntake.oriented(image, 2).getRGB(2, 0) & 0xFFFFFF);
    }

    @Test
    void jpegPngGifAndWebpAreAcceptedByContentAndTransparencyStaysPng() {
        assertEquals("image/jpeg", intake.clean(TestImages.jpeg(10, 10)).contentType());
        assertEquals("image/png", intake.clean(TestImages.png(10, 10, true)).contentType());
        assertEquals(
                "image/jpeg",
                intake.clean(TestImages.png(10, 10, false)).contentType(),
                "an opaque PNG becomes a JPEG");
        assertEquals(10, intake.clean(TestImages.gif(10, 7)).width());
        var webp = intake.clean(TestImages.webp());
        assertEquals(1, webp.width());
        assertEquals(1, webp.height());
    }

    @Test
    void largeImagesAreScaledDownToTheLongestSide() {
        var clean = intake.clean(TestImages.jpeg(2048, 1024));
        assertEquals(512, clean.width());
        assertEquals(256, clean.height());
    }

    @Test
    void aDecompressionBombIsRefusedFromItsHeaderWithoutDecoding() {
        var bomb = TestImages.pngClaiming(100_000, 100_000);
        assertTrue(bomb.length < 5_000, "a few kilobytes claiming ten billion pixels: " + bomb.length);
        long start = System.nanoTime();
        var refusal = assertThrows(Refusal.class, () -> intake.clean(bomb));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertEquals(Refusal.Kind.INVALID, refusal.kind());
        assertTrue(refusal.getMessage().contains("100000x100000"), refusal.getMessage());
        assertTrue(ms < 1_000, "refused in " + ms + " ms");
        // Under the pixel limit of side, over it in all: 30000 x 30000 is 900 million pixels.
        assertThrows(Refusal.class, () -> intake.clean(TestImages.pngClaiming(30_000, 30_000)));
    }

    @Test
    void truncatedImagesAreRefused() {
        var png = TestImages.png(200, 200, false);
        var jpeg = TestImages.jpeg(200, 200);
        var gif = TestImages.gif(200, 200);
        for (var cut : new byte[][] {
            Arrays.copyOf(png, png.length / 2),
            Arrays.copyOf(jpeg, jpeg.length / 2),
            Arrays.copyOf(jpeg, 30),
            Arrays.copyOf(gif, gif.length / 2),
            Arrays.copyOf(png, 20)
        }) {
            var refusal = assertThrows(Refusal.class, () -> intake.clean(cut));
            assertEquals("file", refusal.field());
            assertTrue(
                    refusal.getMessage().contains("damaged")
                            || refusal.getMessage().contains("cut short"),
                    refusal.getMessage());
        }
    }

    @Test
    void svgAndOtherFilesAreRefusedWhateverTheyAreCalled() {
        var svg = "<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>";
        var refusal = assertThrows(Refusal.class, () -> intake.clean(svg.getBytes(StandardCharsets.UTF_8)));
        assertTrue(refusal.getMessage().contains("SVG"), refusal.getMessage());
        var html = assertThrows(
                Refusal.class, () -> intake.clean("<html><script>alert(1)</script>".getBytes(StandardCharsets.UTF_8)));
        assertTrue(html.getMessage().contains("not a JPEG, PNG, WebP or GIF"), html.getMessage());
        assertThrows(Refusal.class, () -> intake.clean(new byte[0]));
        // A file that starts like a GIF and is HTML after that is no image.
        assertThrows(
                Refusal.class,
                () -> intake.clean("GIF89a<html><script>alert(1)</script></html>".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void aPolyglotKeepsOnlyItsPixels() {
        var gif = TestImages.gif(16, 16);
        var polyglot = new byte[gif.length + 64];
        System.arraycopy(gif, 0, polyglot, 0, gif.length);
        var html = "<html><script>alert(document.cookie)</script>".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(html, 0, polyglot, gif.length, html.length);
        var clean = intake.clean(polyglot);
        assertFalse(
                TestImages.contains(clean.bytes(), "<script"), "the HTML after the image is not part of what we made");
        assertFalse(TestImages.contains(clean.bytes(), "<html"));
    }

    @Test
    void aFileLargerThanTheLimitIsRefusedBeforeReading() {
        var small = new ImageIntake(new ImageIntake.Limits(1_000, 40_000_000, 512));
        var big = TestImages.jpeg(300, 300);
        assertTrue(big.length > 1_000);
        var refusal = assertThrows(Refusal.class, () -> small.clean(big));
        assertTrue(refusal.getMessage().contains("at most 1000 bytes"), refusal.getMessage());
    }
}
