package app.kindred.media;

import app.kindred.refusal.Refusal;
import app.kindred.remote.FetchException;
import app.kindred.remote.RemoteFetcher;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Other servers' images (icons, avatars, post images) served from our own addresses, so a member's
 * browser never contacts a third-party server and no remote server learns who read what. An
 * address is signed with the instance's proxy key, so only addresses we published are fetched
 * (no open proxy); fetches go through the SSRF-guarded {@link RemoteFetcher}, pass the same
 * {@link ImageIntake} as uploads, and are kept in a bounded disk cache for a while.
 */
public final class MediaProxy {
    private static final Logger log = LoggerFactory.getLogger(MediaProxy.class);
    public static final String PATH = "/media/remote/";

    /** Where proxied images come from; the fetcher in production, anything in a unit test. */
    public interface Source {
        byte[] fetch(URI uri, int maxBytes) throws FetchException;
    }

    public static Source from(RemoteFetcher fetcher) {
        return (uri, maxBytes) -> fetcher.get(uri, "image/jpeg, image/png, image/webp, image/gif;q=0.8", maxBytes)
                .body();
    }

    // The instance's proxy key, read at start: signing reads nothing.
    private final byte[] key;
    private final Source source;
    private final ImageIntake intake;
    private final Path dir;
    private final long maxCacheBytes;
    private final Duration ttl;
    private final Predicate<String> rejectsMedia;
    private final URI base;
    private final Clock clock;
    private final AtomicLong cachedBytes = new AtomicLong(-1);

    /**
     * @param secret       the instance's proxy key, read at start: the first signing comes inside a caller's read,
     *                     where reading it would ask the pool for a second connection
     * @param rejectsMedia authorities whose media the admin rejects: never fetched, never shown
     */
    public MediaProxy(
            String secret,
            Source source,
            ImageIntake intake,
            Path dir,
            long maxCacheBytes,
            Duration ttl,
            Predicate<String> rejectsMedia,
            URI base,
            Clock clock) {
        this.key = secret.getBytes(StandardCharsets.UTF_8);
        this.source = source;
        this.intake = intake;
        this.dir = dir;
        this.maxCacheBytes = maxCacheBytes;
        this.ttl = ttl;
        this.rejectsMedia = rejectsMedia;
        this.base = base;
        this.clock = clock;
    }

    /** Our address for a remote image, or null when there is nothing we would show (not http(s), media rejected). */
    public String url(String remote) {
        var uri = parse(remote);
        if (uri == null) return null;
        // Our own images need no proxy; any other address of ours is no image (an <img> must not GET a page of ours).
        if (uri.getRawAuthority().equalsIgnoreCase(base.getRawAuthority())) {
            return uri.getRawPath() != null && uri.getRawPath().startsWith("/media/") ? remote : null;
        }
        if (rejectsMedia.test(uri.getRawAuthority())) return null;
        var encoded = Base64.getUrlEncoder().withoutPadding().encodeToString(remote.getBytes(StandardCharsets.UTF_8));
        return base + PATH + sign(remote) + "/" + encoded;
    }

    /** Why a proxied address is not served. */
    public enum Miss {
        NOT_OURS,
        REJECTED,
        UNAVAILABLE
    }

    public sealed interface Answer {}

    public record Image(byte[] bytes, String contentType) implements Answer {}

    public record Refused(Miss why, String detail) implements Answer {}

    public Answer serve(String signature, String encoded) {
        String remote;
        try {
            remote = new String(Base64.getUrlDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return new Refused(Miss.NOT_OURS, "this address was not made by this server");
        }
        if (!MessageDigest.isEqual(
                sign(remote).getBytes(StandardCharsets.US_ASCII), signature.getBytes(StandardCharsets.US_ASCII))) {
            return new Refused(Miss.NOT_OURS, "this address was not made by this server");
        }
        var uri = parse(remote);
        if (uri == null) return new Refused(Miss.NOT_OURS, "this address was not made by this server");
        // Checked when served too: a block made after the address went out still stops the fetch.
        if (rejectsMedia.test(uri.getRawAuthority()))
            return new Refused(Miss.REJECTED, "this instance does not show media from " + uri.getRawAuthority());
        var name = digest(remote);
        var cached = cached(name);
        if (cached.isPresent()) return cached.get();
        try {
            var clean = intake.clean(source.fetch(
                    uri, (int) Math.min(Integer.MAX_VALUE, intake.limits().maxBytes())));
            store(name + "." + clean.extension(), clean.bytes());
            return new Image(clean.bytes(), clean.contentType());
        } catch (FetchException e) {
            return new Refused(Miss.UNAVAILABLE, "the image could not be fetched from its server");
        } catch (Refusal e) {
            return new Refused(Miss.UNAVAILABLE, "the remote image is not one we show: " + e.getMessage());
        }
    }

    private Optional<Image> cached(String name) {
        for (var ext : new String[] {"jpg", "png"}) {
            var file = dir.resolve(name + "." + ext);
            try {
                var modified = Files.getLastModifiedTime(file).toInstant();
                if (modified.plus(ttl).isBefore(clock.instant())) {
                    Files.deleteIfExists(file);
                    continue;
                }
                return Optional.of(new Image(Files.readAllBytes(file), ext.equals("png") ? "image/png" : "image/jpeg"));
            } catch (NoSuchFileException e) {
                // not cached in this format
            } catch (IOException e) {
                log.warn("could not read a cached remote image: {}", e.toString());
            }
        }
        return Optional.empty();
    }

    private void store(String file, byte[] bytes) {
        try {
            Files.createDirectories(dir);
            var tmp = Files.createTempFile(dir, "fetch-", ".part");
            Files.write(tmp, bytes);
            Files.setLastModifiedTime(tmp, FileTime.from(clock.instant()));
            Files.move(tmp, dir.resolve(file), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            if (cachedBytes.get() < 0)
                cachedBytes.set(scan().stream().mapToLong(Cached::size).sum());
            else cachedBytes.addAndGet(bytes.length);
            if (cachedBytes.get() > maxCacheBytes) evict();
        } catch (IOException e) {
            // The image is still served from memory this time; only the cache missed it.
            log.warn("could not cache a remote image: {}", e.toString());
        }
    }

    private record Cached(Path path, long size, long modified) {}

    /** Oldest fetched first, down to nine tenths of the bound, so eviction does not run on every fetch. */
    private synchronized void evict() throws IOException {
        var files = scan();
        files.sort(Comparator.comparingLong(Cached::modified));
        long total = files.stream().mapToLong(Cached::size).sum();
        for (var f : files) {
            if (total <= maxCacheBytes * 9 / 10) break;
            Files.deleteIfExists(f.path());
            total -= f.size();
        }
        cachedBytes.set(total);
    }

    private List<Cached> scan() throws IOException {
        var out = new ArrayList<Cached>();
        if (!Files.isDirectory(dir)) return out;
        try (var stream = Files.list(dir)) {
            for (var p : stream.toList()) {
                var name = p.getFileName().toString();
                if (!(name.endsWith(".jpg") || name.endsWith(".png"))) continue;
                try {
                    out.add(new Cached(
                            p, Files.size(p), Files.getLastModifiedTime(p).toMillis()));
                } catch (IOException e) {
                    // deleted meanwhile
                }
            }
        }
        return out;
    }

    private static URI parse(String remote) {
        if (remote == null || remote.isBlank() || remote.length() > 2000) return null;
        try {
            var uri = new URI(remote.strip());
            var scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null) return null;
            return uri;
        } catch (URISyntaxException e) {
            return null;
        }
    }

    private String sign(String remote) {
        try {
            var mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(remote.getBytes(StandardCharsets.UTF_8)), 0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private static String digest(String remote) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(remote.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
