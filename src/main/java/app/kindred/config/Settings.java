package app.kindred.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Every setting Kindred knows, in the order config/kindred.toml documents them. */
public final class Settings {
    private Settings() {}

    public static final List<Setting> ALL = List.of(
            new Setting(
                    "server.host",
                    "127.0.0.1",
                    "Address the HTTP server listens on; 127.0.0.1 keeps it local (put a TLS proxy in front), 0.0.0.0 listens everywhere."),
            new Setting("server.port", "8080", "TCP port the HTTP server listens on."),
            new Setting("server.max_body_bytes", "1048576", "Largest request body accepted, in bytes."),
            new Setting(
                    "server.max_header_bytes",
                    "16384",
                    "Largest request line and headers accepted, in bytes; larger requests get 431."),
            new Setting("server.idle_timeout", "30s", "A connection on which nothing arrives for this long is closed."),
            new Setting(
                    "server.header_timeout",
                    "10s",
                    "A new connection must send a whole request (line and headers) within this, or it is closed: a client trickling bytes (slowloris) cannot hold it for ever."),
            new Setting(
                    "server.max_connections",
                    "4096",
                    "Open connections accepted at once; past it new connections wait in the operating system's backlog."),
            new Setting(
                    "server.max_concurrent_requests",
                    "256",
                    "Requests handled at once; more wait in a queue (server.max_queued_requests)."),
            new Setting(
                    "server.max_queued_requests",
                    "1024",
                    "Requests that may wait for a turn; past it, or after server.max_queue_wait, they get 503 with Retry-After."),
            new Setting(
                    "server.max_queue_wait",
                    "5s",
                    "How long a request may wait for a turn before it gets 503 with Retry-After."),
            new Setting(
                    "server.client_address_header",
                    "",
                    "Header your TLS proxy puts the client's address in (X-Forwarded-For, X-Real-IP); empty uses the connection's address. Only used, HMAC'd, to key sign-in and sign-up limits; never stored or logged."),
            new Setting(
                    "server.password_hash_threads",
                    "0",
                    "Password hashes (Argon2, about 19 MiB and 60 ms each) computed at once; 0 means one per CPU core."),
            new Setting(
                    "server.password_hash_queue",
                    "16",
                    "Sign-ins and sign-ups that may wait for a hashing thread; past it, or after a few seconds, they get 503 with Retry-After."),
            new Setting(
                    "instance.domain",
                    "localhost:8080",
                    "The host[:port] that goes into every ActivityPub id; never change it once others federate with you."),
            new Setting(
                    "instance.scheme",
                    "https",
                    "Scheme of every id: https in production; http only for local trials and tests."),
            new Setting("instance.name", "Kindred", "Name of this instance, shown to people and in NodeInfo."),
            new Setting(
                    "instance.open_registrations",
                    "false",
                    "Whether anyone may make an account, on the /signup page or through the API (announced in NodeInfo)."),
            new Setting(
                    "instance.registrations",
                    "",
                    "How people get an account: \"open\" (anyone signs up), \"application\" (they apply and an admin approves)"
                            + " or \"closed\" (admins make accounts); empty follows open_registrations. Admins may change it at /admin/instance."),
            new Setting(
                    "instance.description",
                    "",
                    "A few words about this instance, shown on the sign-up page; admins may change it at /admin/instance."),
            new Setting(
                    "instance.rules",
                    "",
                    "The instance's rules, one a line, shown on the sign-up page; admins may change them at /admin/instance."),
            new Setting(
                    "instance.application_question",
                    "Why would you like to join, and what brings you here?",
                    "The question applicants answer when registrations = \"application\"; admins may change it at /admin/instance."),
            new Setting(
                    "data.dir",
                    "./data",
                    "Folder for local state: the embedded PostgreSQL's files live under it and survive restarts."),
            new Setting(
                    "database.url",
                    "",
                    "JDBC URL of an external PostgreSQL (jdbc:postgresql://host:5432/kindred); empty runs an embedded PostgreSQL in data.dir."),
            new Setting("database.user", "", "User for database.url."),
            new Setting("database.password", "", "Password for database.url (prefer KINDRED_DATABASE_PASSWORD)."),
            new Setting("database.pool_size", "10", "Largest number of pooled database connections for requests."),
            new Setting(
                    "database.connection_wait",
                    "2s",
                    "How long a request waits for a free connection before it gets 503 with Retry-After (inboxes too, which senders retry)."),
            new Setting(
                    "database.background_pool_size",
                    "8",
                    "Connections kept apart for the inbound processor and the delivery workers, so page views cannot starve federation and the reverse."),
            new Setting(
                    "database.turn_pool_size",
                    "2",
                    "Connections kept apart for applying received changes to a community, one community at a time each, so they never wait behind the work that prepares them."),
            new Setting(
                    "federation.allow_private_addresses",
                    "false",
                    "Allow fetching from and delivering to loopback, private and link-local addresses; only for tests and local trials."),
            new Setting(
                    "federation.private_hosts",
                    "",
                    "Host names that may resolve to private addresses although allow_private_addresses is off, comma-separated; a leading dot names every host under it (.lab.example). For peers on your own network and tests; empty by default."),
            new Setting(
                    "federation.mode",
                    "open",
                    "open federates with every instance not blocked; allowlist federates only with domains an admin allowed."),
            new Setting(
                    "federation.blocked_inbox_response",
                    "403",
                    "What a blocked instance's deliveries get: 403 (refused, they know) or 202 (dropped silently)."),
            new Setting(
                    "federation.publish_blocklist",
                    "no",
                    "Publish the domain blocklist in NodeInfo and the API: no, yes, or obfuscated (domains asked to be obfuscated are starred)."),
            new Setting(
                    "federation.authorized_fetch",
                    "false",
                    "Require a valid HTTP signature on GETs of ActivityPub documents (WebFinger, NodeInfo and the instance actor stay open)."),
            new Setting(
                    "federation.signature_max_age",
                    "1h",
                    "How old a signed request's Date or created time may be (a number with ms, s, m, h or d)."),
            new Setting(
                    "federation.signature_max_skew",
                    "1h",
                    "How far ahead of our clock a signed request's Date or created time may be."),
            new Setting(
                    "federation.fetch_max_bytes",
                    "1048576",
                    "Largest document we read when fetching from another server, in bytes."),
            new Setting(
                    "federation.fetch_timeout",
                    "10s",
                    "How long a fetch from another server may take before it is abandoned."),
            new Setting(
                    "federation.inbound_retention",
                    "14d",
                    "How long a received activity is kept once processed. Its body holds what someone wrote, even after they deleted it, so it is not kept for ever; an activity sent again after this is applied again, which changes nothing."),
            new Setting(
                    "federation.inbound_concurrency",
                    "16",
                    "Received activities applied at once by this process (each on a virtual thread); most of their time is spent waiting on fetches and the database."),
            new Setting(
                    "delivery.workers",
                    "64",
                    "Deliveries in flight at once from this process (each on a virtual thread)."),
            new Setting(
                    "delivery.per_host",
                    "4",
                    "Deliveries in flight at once to one destination host, so one slow host cannot take every worker."),
            new Setting("delivery.timeout", "10s", "How long one delivery POST may take before it counts as failed."),
            new Setting(
                    "delivery.poll_interval",
                    "1s",
                    "How often workers look for due deliveries when no notification wakes them."),
            new Setting(
                    "delivery.unavailable_after",
                    "3d",
                    "A host failing this long is marked unavailable: its deliveries are parked until it shows a sign of life."),
            new Setting(
                    "delivery.give_up_after",
                    "7d",
                    "A delivery still failing this long after it was queued is given up."),
            new Setting(
                    "delivery.time_scale",
                    "1.0",
                    "Multiplies every retry delay and probe interval; only tests set it below 1, to run the same schedule in milliseconds."),
            new Setting(
                    "limits.sign_in_account",
                    "5/1m, 30/1h, 100/1d",
                    "Failed sign-ins per account (COUNT/PERIOD bands, all apply). Past it only clients that have themselves failed wait; a client with no failures still signs in, so nobody can lock the owner out."),
            new Setting(
                    "limits.sign_in_client",
                    "10/1m, 50/1h, 200/1d",
                    "Failed sign-ins per client (an HMAC of its address, never the address itself)."),
            new Setting(
                    "limits.sign_in_first_try",
                    "1/15m",
                    "Sign-in tries per client that the account's limit does not hold: the owner's try from a client that has not failed lately. Every other try waits on sign_in_account, so many clients guessing at one account get one try each per period, not one each time their own limit refills."),
            new Setting("limits.sign_up", "5/1h, 20/1d", "Accounts created per client."),
            new Setting("limits.thread", "10/10m, 50/1d", "Threads started per member."),
            new Setting("limits.comment", "20/1m, 200/1h", "Comments written per member."),
            new Setting("limits.vote", "60/1m, 1000/1h", "Votes cast per member."),
            new Setting("limits.report", "10/10m, 50/1d", "Reports filed per member (rule, spam, harassment, other)."),
            new Setting(
                    "limits.concern",
                    "3/10m, 5/1d",
                    "Wellbeing concerns filed per member; kept apart from reports, so filing one never uses up the other."),
            new Setting("limits.follow", "30/10m, 200/1d", "Follows per member."),
            new Setting(
                    "limits.api_write",
                    "120/1m, 2000/1h",
                    "Writes (POST, PATCH, DELETE) through the API per member, all kinds together."),
            new Setting(
                    "limits.inbound_host",
                    "600/1m",
                    "Activities accepted per remote host; past it the host gets 429 with Retry-After and sends them again later."),
            new Setting(
                    "limits.key_fetch_host",
                    "120/1m",
                    "Signing keys we fetch per remote host; past it its signed requests get 429 until keys may be fetched again."),
            new Setting(
                    "accounts.export_link_life",
                    "7d",
                    "How long the link to a member's finished export works; the file is deleted when it stops."),
            new Setting(
                    "accounts.deletion_grace",
                    "7d",
                    "How long a member's deletion waits; signing in during it cancels the deletion. 0s deletes at once."),
            new Setting(
                    "media.max_upload_bytes",
                    "10485760",
                    "Largest image a member may upload, in bytes; also the most read of a remote image. Uploads have their own body limit, not server.max_body_bytes."),
            new Setting(
                    "media.max_pixels",
                    "40000000",
                    "Most pixels (width times height) an image may declare; larger ones are refused from their header, before decoding, so a decompression bomb costs nothing."),
            new Setting(
                    "media.max_side",
                    "2048",
                    "Images are scaled down so neither side is longer than this many pixels when they are re-encoded."),
            new Setting(
                    "media.remote_cache_bytes",
                    "536870912",
                    "Disk space for images proxied from other servers (under data.dir/media/remote); the oldest fetched go first."),
            new Setting(
                    "media.remote_cache_ttl",
                    "7d",
                    "How long a proxied image is served from the cache before it is fetched again."),
            new Setting(
                    "metrics.host",
                    "127.0.0.1",
                    "Address the Prometheus metrics endpoint listens on; 127.0.0.1 keeps it to this machine."),
            new Setting(
                    "metrics.port",
                    "0",
                    "Port of the Prometheus metrics endpoint (GET /metrics), apart from the site's; 0 serves none."),
            new Setting(
                    "metrics.token",
                    "",
                    "When set, a scrape must send Authorization: Bearer with this token; empty asks for none (keep metrics.host local then)."),
            new Setting(
                    "logging.format",
                    "plain",
                    "How log lines are written: plain text, or json (one JSON object a line, with a request id) for a log collector."),
            new Setting(
                    "care.concern_unseen_after",
                    "2h",
                    "A wellbeing concern no moderator has opened in this time is brought to the admins (once)."));

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
