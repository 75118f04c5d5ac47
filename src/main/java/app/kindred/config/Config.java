package app.kindred.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** The settled configuration, typed. Built only by {@link ConfigLoader}. */
public record Config(
        Server server,
        Instance instance,
        Path dataDir,
        Database database,
        Federation federation,
        Delivery delivery,
        Limits limits,
        Accounts accounts,
        Media media,
        Metrics metrics,
        Logging logging,
        Care care) {

    public record Server(
            String host,
            int port,
            long maxBodyBytes,
            int maxHeaderBytes,
            Duration idleTimeout,
            Duration headerTimeout,
            int maxConnections,
            int maxConcurrentRequests,
            int maxQueuedRequests,
            Duration maxQueueWait,
            String clientAddressHeader,
            int passwordHashThreads,
            int passwordHashQueue) {}

    /**
     * {@code registrations} is open, application or closed; an admin may change it, the name, the
     * description, the rules and the application question at run time (instance.InstanceSettings).
     */
    public record Instance(
            String domain,
            String scheme,
            String name,
            String registrations,
            String description,
            String rules,
            String applicationQuestion) {
        /** Whether the file lets anyone sign up (NodeInfo's openRegistrations reads the settings in force). */
        public boolean openRegistrations() {
            return registrations.equals("open");
        }

        /** The base every local ActivityPub id starts with, e.g. https://kindred.example */
        public URI baseUri() {
            return URI.create(scheme + "://" + domain);
        }
    }

    /**
     * {@code poolSize} connections serve requests; {@code backgroundPoolSize} more serve the inbound
     * processor and the delivery workers, so neither side can starve the other; {@code turnPoolSize} more serve
     * the communities' turns (the part of taking in a community's activities that runs one at a time), so a turn
     * never waits for a connection behind the workers that feed it.
     */
    public record Database(
            String url,
            String user,
            String password,
            int poolSize,
            Duration connectionWait,
            int backgroundPoolSize,
            int turnPoolSize) {
        public boolean embedded() {
            return url.isEmpty();
        }

        @Override
        public String toString() {
            return "Database[url=" + url + ", user=" + user + ", password=" + (password.isEmpty() ? "" : "***")
                    + ", poolSize=" + poolSize + ", connectionWait=" + connectionWait
                    + ", backgroundPoolSize=" + backgroundPoolSize + ", turnPoolSize=" + turnPoolSize + "]";
        }
    }

    public record Federation(
            boolean allowPrivateAddresses,
            String mode,
            int blockedInboxResponse,
            String publishBlocklist,
            boolean authorizedFetch,
            Duration signatureMaxAge,
            Duration signatureMaxSkew,
            int fetchMaxBytes,
            Duration fetchTimeout,
            Duration inboundRetention,
            int inboundConcurrency,
            List<String> privateHosts) {}

    public record Delivery(
            int workers,
            int perHost,
            Duration timeout,
            Duration pollInterval,
            Duration unavailableAfter,
            Duration giveUpAfter,
            double timeScale) {}

    /** One band of a rate limit: {@code count} per {@code period}, refilled gradually. */
    public record Band(long count, Duration period) {}

    /**
     * Rate limits, each a list of bands that all apply (5/1m, 20/1h: short bursts pass, long runs
     * wait longer and longer).
     */
    public record Limits(
            List<Band> signInAccount,
            List<Band> signInClient,
            List<Band> signInFirstTry,
            List<Band> signUp,
            List<Band> thread,
            List<Band> comment,
            List<Band> vote,
            List<Band> report,
            List<Band> concern,
            List<Band> follow,
            List<Band> apiWrite,
            List<Band> inboundHost,
            List<Band> keyFetchHost) {}

    /** Wellbeing outreach (issue 16): when an unseen wellbeing concern is brought to the admins. */
    public record Care(Duration concernUnseenAfter) {}

    /** What members do with their own accounts (issue 18). */
    public record Accounts(Duration exportLinkLife, Duration deletionGrace) {}

    /** Limits on images, uploaded or proxied from other servers (issue 20). */
    public record Media(
            long maxUploadBytes, long maxPixels, int maxSide, long remoteCacheBytes, Duration remoteCacheTtl) {}

    /** The Prometheus scrape endpoint (issue 19): its own port, 0 for none; a bearer token when not empty. */
    public record Metrics(String host, int port, String token) {}

    /** How log lines are written: "plain" text or "json" lines (issue 19). */
    public record Logging(String format) {
        public boolean json() {
            return format.equals("json");
        }
    }
}
