package app.kindred.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Every setting Kindred knows, in the order config/kindred.toml documents them. */
public final class Settings {
    private Settings() {}

    public static final List<Setting> ALL = List.of(
            new Setting("server.host", "127.0.0.1",
                    "Address the HTTP server listens on; 127.0.0.1 keeps it local (put a TLS proxy in front), 0.0.0.0 listens everywhere."),
            new Setting("server.port", "8080", "TCP port the HTTP server listens on."),
            new Setting("server.max_body_bytes", "1048576", "Largest request body accepted, in bytes."),
            new Setting("instance.domain", "localhost:8080",
                    "The host[:port] that goes into every ActivityPub id; never change it once others federate with you."),
            new Setting("instance.scheme", "https",
                    "Scheme of every id: https in production; http only for local trials and tests."),
            new Setting("instance.name", "Kindred", "Name of this instance, shown to people and in NodeInfo."),
            new Setting("instance.open_registrations", "false",
                    "Whether anyone may make an account, on the /signup page or through the API (announced in NodeInfo)."),
            new Setting("data.dir", "./data",
                    "Folder for local state: the embedded PostgreSQL's files live under it and survive restarts."),
            new Setting("database.url", "",
                    "JDBC URL of an external PostgreSQL (jdbc:postgresql://host:5432/kindred); empty runs an embedded PostgreSQL in data.dir."),
            new Setting("database.user", "", "User for database.url."),
            new Setting("database.password", "", "Password for database.url (prefer KINDRED_DATABASE_PASSWORD)."),
            new Setting("database.pool_size", "10", "Largest number of pooled database connections."),
            new Setting("federation.allow_private_addresses", "false",
                    "Allow fetching from and delivering to loopback, private and link-local addresses; only for tests and local trials."),
            new Setting("federation.mode", "open",
                    "open federates with every instance not blocked; allowlist federates only with domains an admin allowed."),
            new Setting("federation.blocked_inbox_response", "403",
                    "What a blocked instance's deliveries get: 403 (refused, they know) or 202 (dropped silently)."),
            new Setting("federation.publish_blocklist", "no",
                    "Publish the domain blocklist in NodeInfo and the API: no, yes, or obfuscated (domains asked to be obfuscated are starred)."),
            new Setting("federation.authorized_fetch", "false",
                    "Require a valid HTTP signature on GETs of ActivityPub documents (WebFinger, NodeInfo and the instance actor stay open)."),
            new Setting("federation.signature_max_age", "1h",
                    "How old a signed request's Date or created time may be (a number with ms, s, m, h or d)."),
            new Setting("federation.signature_max_skew", "1h",
                    "How far ahead of our clock a signed request's Date or created time may be."),
            new Setting("federation.fetch_max_bytes", "1048576",
                    "Largest document we read when fetching from another server, in bytes."),
            new Setting("federation.fetch_timeout", "10s",
                    "How long a fetch from another server may take before it is abandoned."),
            new Setting("federation.inbound_retention", "14d",
                    "How long a received activity is kept once processed. Its body holds what someone wrote, even after they deleted it, so it is not kept for ever; an activity sent again after this is applied again, which changes nothing."),
            new Setting("federation.inbound_concurrency", "16",
                    "Received activities applied at once by this process (each on a virtual thread); most of their time is spent waiting on fetches and the database."),
            new Setting("delivery.workers", "64",
                    "Deliveries in flight at once from this process (each on a virtual thread)."),
            new Setting("delivery.per_host", "4",
                    "Deliveries in flight at once to one destination host, so one slow host cannot take every worker."),
            new Setting("delivery.timeout", "10s", "How long one delivery POST may take before it counts as failed."),
            new Setting("delivery.poll_interval", "1s",
                    "How often workers look for due deliveries when no notification wakes them."),
            new Setting("delivery.unavailable_after", "3d",
                    "A host failing this long is marked unavailable: its deliveries are parked until it shows a sign of life."),
            new Setting("delivery.give_up_after", "7d", "A delivery still failing this long after it was queued is given up."),
            new Setting("delivery.time_scale", "1.0",
                    "Multiplies every retry delay and probe interval; only tests set it below 1, to run the same schedule in milliseconds."),
            new Setting("accounts.export_link_life", "7d",
                    "How long the link to a member's finished export works; the file is deleted when it stops."),
            new Setting("media.max_upload_bytes", "10485760",
                    "Largest image a member may upload, in bytes; also the most read of a remote image. Uploads have their own body limit, not server.max_body_bytes."),
            new Setting("media.max_pixels", "40000000",
                    "Most pixels (width times height) an image may declare; larger ones are refused from their header, before decoding, so a decompression bomb costs nothing."),
            new Setting("media.max_side", "2048",
                    "Images are scaled down so neither side is longer than this many pixels when they are re-encoded."),
            new Setting("media.remote_cache_bytes", "536870912",
                    "Disk space for images proxied from other servers (under data.dir/media/remote); the oldest fetched go first."),
            new Setting("media.remote_cache_ttl", "7d",
                    "How long a proxied image is served from the cache before it is fetched again."));

    private static final Map<String, Setting> BY_KEY = index();

    private static Map<String, Setting> index() {
        var map = new LinkedHashMap<String, Setting>();
        for (var s : ALL) map.put(s.key(), s);
        return Map.copyOf(map);
    }

    public static Optional<Setting> find(String key) {
        return Optional.ofNullable(BY_KEY.get(key));
    }
}
