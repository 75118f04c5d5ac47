package app.kindred.media;

import app.kindred.member.Member;
import app.kindred.member.ProfileChanges;
import app.kindred.member.Role;
import app.kindred.refusal.Refusal;
import app.kindred.storage.Database;
import app.kindred.storage.Sql;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Images members upload: cleaned on the way in ({@link ImageIntake}), stored under a random name,
 * attached to posts, worn as avatar, icon or banner, and removed everywhere by an admin.
 */
public final class MediaService {
    private static final Logger log = LoggerFactory.getLogger(MediaService.class);
    public static final int ALT_MAX = 1500;
    public static final int PER_POST = 4;
    private static final Pattern FILE = Pattern.compile("[a-f0-9]{32}\\.(jpg|png)");

    private final Database db;
    private final MediaStore store;
    private final MediaStorage storage;
    private final ImageIntake intake;
    private final MediaProxy proxy;
    private final URI base;
    private final SecureRandom random;
    private final PostImages postImages;
    private final ProfileChanges profileChanges;

    public MediaService(
            Database db,
            MediaStore store,
            MediaStorage storage,
            ImageIntake intake,
            MediaProxy proxy,
            URI base,
            SecureRandom random,
            ProfileChanges profileChanges) {
        this.random = random;
        this.profileChanges = profileChanges;
        this.postImages = new PostImages(proxy);
        this.db = db;
        this.store = store;
        this.storage = storage;
        this.intake = intake;
        this.proxy = proxy;
        this.base = base;
    }

    public Media upload(Member uploader, byte[] bytes, String alt) {
        var text = alt == null || alt.isBlank() ? null : alt.strip();
        if (text != null && text.length() > ALT_MAX)
            throw Refusal.invalid("alt", "alt text must be at most " + ALT_MAX + " characters");
        if (text != null && text.indexOf('\0') >= 0) throw Refusal.invalid("alt", "alt text contains a NUL character");
        // Decoding happens before any transaction: a slow image holds no connection.
        var clean = intake.clean(bytes);
        var key = HexFormat.of().formatHex(randomBytes()) + "." + clean.extension();
        try {
            storage.put(key, clean.bytes());
        } catch (IOException e) {
            throw new UncheckedIOException("could not store an upload", e);
        }
        try {
            return db.transaction(c -> store.insert(c, key, uploader.actor().id(), clean, text));
        } catch (RuntimeException e) {
            deleteQuietly(key);
            throw e;
        }
    }

    private byte[] randomBytes() {
        var b = new byte[16];
        random.nextBytes(b);
        return b;
    }

    public Optional<Media> find(long id) {
        return db.read(c -> store.find(c, id));
    }

    /** Where an upload is served: our own address, whatever storage holds it. */
    public String url(Media media) {
        return base + "/media/" + media.fileKey();
    }

    /**
     * The uploads a member attaches to a new post, checked in the post's transaction: theirs, not
     * removed, used by no other post, and described (alt text), at most {@link #PER_POST}.
     */
    public List<Media> forPost(Connection c, long ownerActorId, List<Long> ids) throws SQLException {
        return forPost(c, ownerActorId, ids, null);
    }

    /** The same, for an edit of post {@code postId}: the images it already shows may stay. */
    public List<Media> forPost(Connection c, long ownerActorId, List<Long> ids, Long postId) throws SQLException {
        if (ids == null || ids.isEmpty()) return List.of();
        var unique = new LinkedHashSet<>(ids);
        if (unique.size() > PER_POST)
            throw Refusal.invalid("media", "a post may carry at most " + PER_POST + " images");
        var out = new ArrayList<Media>();
        for (long id : unique) {
            var media = own(c, ownerActorId, id, "media");
            if (media.alt() == null) {
                throw Refusal.invalid(
                        "media",
                        "image " + id + " has no alt text; describe it (send alt with the upload)"
                                + " so people who use a screen reader or cannot load images know what it shows");
            }
            var usedBy = store.postOf(c, id);
            if (usedBy.isPresent() && !usedBy.get().equals(postId))
                throw Refusal.conflict("media", "image " + id + " is already in another post");
            out.add(media);
        }
        return out;
    }

    public void attach(Connection c, long postId, List<Media> media) throws SQLException {
        for (int i = 0; i < media.size(); i++)
            store.attach(c, postId, media.get(i).id(), i);
    }

    /**
     * A post's images after an edit: those it no longer shows are removed (their files go with
     * {@link #purgeFiles()} after the commit), the rest take their new places.
     */
    public void reattach(Connection c, long postId, List<Media> media) throws SQLException {
        var kept = media.stream().map(Media::id).toList();
        for (long id : store.idsOfPost(c, postId)) if (!kept.contains(id)) store.removeEverywhere(c, id);
        store.detachAll(c, postId);
        attach(c, postId, media);
    }

    public List<Long> idsOfPost(Connection c, long postId) throws SQLException {
        return store.idsOfPost(c, postId);
    }

    /** A deleted post takes its uploads with it; the files go once {@link #purgeFiles()} runs after the commit. */
    public void postDeleted(Connection c, long postId) throws SQLException {
        store.removeOfPost(c, postId);
    }

    /**
     * Hook for account deletion (a later issue): everything a member uploaded is removed wherever
     * it is used, like an admin's removal, then {@link #purgeFiles()}.
     */
    public void ownerDeleted(Connection c, long actorId) throws SQLException {
        for (long id : Sql.list(
                c, "select id from media where owner_id = ? and removed_at is null", rs -> rs.getLong(1), actorId)) {
            store.removeEverywhere(c, id);
        }
    }

    /** An admin takes an image out of every post, avatar, icon and banner that shows it, and its file is deleted. */
    public void remove(Member admin, long id) {
        if (admin.role() != Role.ADMIN) throw new Refusal(Refusal.Kind.FORBIDDEN, null, "only admins remove images");
        db.transaction(c -> {
            store.find(c, id).orElseThrow(() -> Refusal.notFound("there is no image " + id));
            store.removeEverywhere(c, id);
            return null;
        });
        purgeFiles();
    }

    /**
     * Uploads nobody used within {@code grace} (an image uploaded for a post that was never sent) are
     * removed with their files, so a photo does not stay on the server because a draft was abandoned.
     */
    public int removeUnused(Instant now, Duration grace) {
        int removed = db.transaction(c -> store.removeUnused(c, now.minus(grace)));
        if (removed > 0) log.info("removed {} uploads that nothing used within {}", removed, grace);
        purgeFiles();
        return removed;
    }

    /** Deletes the files of removed images; safe to run again (a crash in between leaves only files to retry). */
    public void purgeFiles() {
        for (var media : db.read(store::toPurge)) {
            try {
                storage.delete(media.fileKey());
                db.transaction(c -> {
                    store.filePurged(c, media.id());
                    return null;
                });
            } catch (IOException | RuntimeException e) {
                log.warn("could not delete the file of removed image {}: {}", media.id(), e.toString());
            }
        }
    }

    /** An upload the member may wear as avatar or give a community as icon or banner. */
    public Media ownUpload(Connection c, Member member, long id, String field) throws SQLException {
        return own(c, member.actor().id(), id, field);
    }

    /** A member's avatar (their Person's icon): one of their uploads, or none (null). */
    public void setAvatar(Member member, Long mediaId) {
        db.transaction(c -> {
            var before = store.actorImages(c, member.actor().id()).iconKey();
            wear(c, member, member.actor().id(), MediaStore.Slot.ICON, mediaId, "avatar");
            // Servers that show this member are told in the same transaction; wearing the same image again tells
            // nobody.
            if (!Objects.equals(
                    before, store.actorImages(c, member.actor().id()).iconKey()))
                profileChanges.changed(c, member.actor());
            return null;
        });
    }

    /**
     * A community's icon or banner (its Group's icon and image). Whether the member moderates it is
     * the moderation feature's rule, checked by the caller before this.
     */
    public void setCommunityPicture(Member moderator, long communityId, MediaStore.Slot slot, Long mediaId) {
        // A change to the community, so under its lock like every other.
        db.inCommunity(communityId, c -> {
            long actorId = Sql.one(c, "select actor_id from community where id = ?", rs -> rs.getLong(1), communityId)
                    .orElseThrow(() -> Refusal.notFound("there is no community " + communityId));
            wear(c, moderator, actorId, slot, mediaId, slot == MediaStore.Slot.ICON ? "icon" : "banner");
            return null;
        });
    }

    private void wear(Connection c, Member member, long actorId, MediaStore.Slot slot, Long mediaId, String field)
            throws SQLException {
        var media = mediaId == null ? null : own(c, member.actor().id(), mediaId, field);
        store.setActorImage(c, actorId, slot, media == null ? null : media.id());
    }

    private Media own(Connection c, long ownerActorId, long id, String field) throws SQLException {
        var media = store.find(c, id).orElseThrow(() -> Refusal.invalid(field, "there is no image " + id));
        if (media.ownerId() == null || media.ownerId() != ownerActorId) {
            throw new Refusal(Refusal.Kind.FORBIDDEN, field, "image " + id + " was uploaded by someone else");
        }
        if (media.removed()) throw Refusal.conflict(field, "image " + id + " was removed");
        return media;
    }

    /** An actor's icon and banner as addresses on this server (uploads, or remote images through the proxy). */
    public record Pictures(String icon, String image) {}

    public Pictures pictures(long actorId) {
        return db.read(c -> pictures(c, actorId));
    }

    public Pictures pictures(Connection c, long actorId) throws SQLException {
        var images = store.actorImages(c, actorId);
        return new Pictures(picture(images.iconKey(), images.iconUrl()), picture(images.imageKey(), images.imageUrl()));
    }

    /** One picture as shown here: our upload by its file key, else a remote address through the proxy, else null. */
    public String picture(String fileKey, String remoteUrl) {
        return fileKey != null ? base + "/media/" + fileKey : proxy.url(remoteUrl);
    }

    /** What posts show of their link and images. */
    public PostImages postImages() {
        return postImages;
    }

    /** What a remote image address becomes in our views: our proxy's address for it, or null. */
    public String proxied(String remote) {
        return proxy.url(remote);
    }

    /** A served upload: its bytes and the content type we chose when we encoded it. */
    public record Served(byte[] bytes, String contentType) {}

    public Optional<Served> file(String name) {
        if (!FILE.matcher(name).matches()) return Optional.empty();
        var media = db.read(c -> store.findByKey(c, name));
        if (media.isEmpty() || media.get().removed()) return Optional.empty();
        try {
            return storage.get(name).map(bytes -> new Served(bytes, media.get().contentType()));
        } catch (IOException e) {
            throw new UncheckedIOException("could not read an upload", e);
        }
    }

    private void deleteQuietly(String key) {
        try {
            storage.delete(key);
        } catch (IOException e) {
            log.warn("could not delete an orphaned upload: {}", e.toString());
        }
    }
}
