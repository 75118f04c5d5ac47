package app.kindred.media;

import app.kindred.storage.Sql;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Rows of uploaded images and where they are used. */
public final class MediaStore {
    private static final String COLUMNS =
            "id, file_key, owner_id, content_type, width, height, bytes, alt, created_at, removed_at";

    public Media insert(Connection c, String fileKey, long ownerId, ImageIntake.Clean image, String alt)
            throws SQLException {
        return Sql.one(
                        c,
                        "insert into media (file_key, owner_id, content_type, width, height, bytes, alt) values (?, ?, ?, ?, ?, ?, ?)"
                                + " returning " + COLUMNS,
                        MediaStore::map,
                        fileKey,
                        ownerId,
                        image.contentType(),
                        image.width(),
                        image.height(),
                        image.bytes().length,
                        alt)
                .orElseThrow();
    }

    public Optional<Media> find(Connection c, long id) throws SQLException {
        return Sql.one(c, "select " + COLUMNS + " from media where id = ?", MediaStore::map, id);
    }

    public Optional<Media> findByKey(Connection c, String fileKey) throws SQLException {
        return Sql.one(c, "select " + COLUMNS + " from media where file_key = ?", MediaStore::map, fileKey);
    }

    /** Which post uses the image already, if any: an upload belongs to one post. */
    public Optional<Long> postOf(Connection c, long mediaId) throws SQLException {
        return Sql.one(c, "select post_id from post_media where media_id = ?", rs -> rs.getLong(1), mediaId);
    }

    public void attach(Connection c, long postId, long mediaId, int position) throws SQLException {
        Sql.update(
                c, "insert into post_media (post_id, media_id, position) values (?, ?, ?)", postId, mediaId, position);
    }

    /** The uploads a post shows, in their order. */
    public List<Long> idsOfPost(Connection c, long postId) throws SQLException {
        return Sql.list(
                c, "select media_id from post_media where post_id = ? order by position", rs -> rs.getLong(1), postId);
    }

    public void detachAll(Connection c, long postId) throws SQLException {
        Sql.update(c, "delete from post_media where post_id = ?", postId);
    }

    /** Marks a post's uploads removed; their files go after the transaction commits. */
    public int removeOfPost(Connection c, long postId) throws SQLException {
        return Sql.update(
                c,
                "update media set removed_at = now() where removed_at is null"
                        + " and id in (select media_id from post_media where post_id = ?)",
                postId);
    }

    /**
     * Takes an image out of everything that shows it: the posts that list it (their stored
     * attachments lose the entry), the actors wearing it as icon or banner, then marks it removed.
     */
    public void removeEverywhere(Connection c, long mediaId) throws SQLException {
        Sql.update(c, """
                update post p set extras = jsonb_set(p.extras, '{attachments}', coalesce((
                       select jsonb_agg(a) from jsonb_array_elements(p.extras -> 'attachments') a
                       where (a ->> 'media_id') is distinct from ?::text), '[]'::jsonb))
                where p.id in (select post_id from post_media where media_id = ?)""", String.valueOf(mediaId), mediaId);
        Sql.update(c, "update actor set icon_media_id = null where icon_media_id = ?", mediaId);
        Sql.update(c, "update actor set image_media_id = null where image_media_id = ?", mediaId);
        Sql.update(c, "update media set removed_at = coalesce(removed_at, now()) where id = ?", mediaId);
    }

    /** Marks uploads older than {@code before} that no post shows and no actor wears as removed; returns how many. */
    public int removeUnused(Connection c, Instant before) throws SQLException {
        return Sql.update(c, """
                update media m set removed_at = now() where m.removed_at is null and m.created_at < ?
                and not exists (select 1 from post_media pm where pm.media_id = m.id)
                and not exists (select 1 from actor a where a.icon_media_id = m.id or a.image_media_id = m.id)""", before);
    }

    /** Removed images whose files are still on disk. */
    public List<Media> toPurge(Connection c) throws SQLException {
        return Sql.list(
                c,
                "select " + COLUMNS + " from media where removed_at is not null and not file_deleted limit 500",
                MediaStore::map);
    }

    public void filePurged(Connection c, long id) throws SQLException {
        Sql.update(c, "update media set file_deleted = true where id = ?", id);
    }

    public enum Slot {
        ICON,
        IMAGE
    }

    public void setActorImage(Connection c, long actorId, Slot slot, Long mediaId) throws SQLException {
        Sql.update(
                c,
                "update actor set " + (slot == Slot.ICON ? "icon_media_id" : "image_media_id") + " = ? where id = ?",
                mediaId,
                actorId);
    }

    /** An actor's icon and image: our uploads' keys, or remote addresses. */
    public record ActorImages(String iconKey, String imageKey, String iconUrl, String imageUrl) {}

    public ActorImages actorImages(Connection c, long actorId) throws SQLException {
        return Sql.one(
                        c,
                        """
                select i.file_key, b.file_key, a.icon_url, a.image_url from actor a
                left join media i on i.id = a.icon_media_id and i.removed_at is null
                left join media b on b.id = a.image_media_id and b.removed_at is null
                where a.id = ?""",
                        rs -> new ActorImages(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)),
                        actorId)
                .orElse(new ActorImages(null, null, null, null));
    }

    /** A remote actor's icon and image as its document names them (http(s) only; others are dropped). */
    public void setRemoteImages(Connection c, long actorId, String iconUrl, String imageUrl) throws SQLException {
        Sql.update(
                c,
                "update actor set icon_url = ?, image_url = ? where id = ? and not local",
                iconUrl,
                imageUrl,
                actorId);
    }

    static Media map(ResultSet rs) throws SQLException {
        return new Media(
                rs.getLong("id"),
                rs.getString("file_key"),
                (Long) rs.getObject("owner_id"),
                rs.getString("content_type"),
                rs.getInt("width"),
                rs.getInt("height"),
                rs.getInt("bytes"),
                rs.getString("alt"),
                Sql.instant(rs, "created_at"),
                Sql.instant(rs, "removed_at"));
    }
}
