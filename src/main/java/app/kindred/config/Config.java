package app.kindred.config;

import java.net.URI;
import java.nio.file.Path;

/** The settled configuration, typed. Built only by {@link ConfigLoader}. */
public record Config(Server server, Instance instance, Path dataDir, Database database, Federation federation,
                     Delivery delivery, Accounts accounts, Media media) {

    public record Server(String host, int port, long maxBodyBytes) {}

    public record Instance(String domain, String scheme, String name, boolean openRegistrations) {
        /** The base every local ActivityPub id starts with, e.g. https://kindred.example */
        public URI baseUri() {
            return URI.create(scheme + "://" + domain);
        }
    }

    public record Database(String url, String user, String password, int poolSize) {
        public boolean embedded() {
            return url.isEmpty();
        }

        @Override
        public String toString() {
            return "Database[url=" + url + ", user=" + user + ", password=" + (password.isEmpty() ? "" : "***")
                    + ", poolSize=" + poolSize + "]";
        }
    }

    public record Federation(boolean allowPrivateAddresses, String mode, int blockedInboxResponse, String publishBlocklist,
                             boolean authorizedFetch, java.time.Duration signatureMaxAge,
                             java.time.Duration signatureMaxSkew, int fetchMaxBytes, java.time.Duration fetchTimeout,
                             java.time.Duration inboundRetention, int inboundConcurrency) {}

    public record Delivery(int workers, int perHost, java.time.Duration timeout, java.time.Duration pollInterval,
                           java.time.Duration unavailableAfter, java.time.Duration giveUpAfter, double timeScale) {}

    /** What members do with their own accounts (issue 18). */
    public record Accounts(java.time.Duration exportLinkLife) {}

    /** Limits on images, uploaded or proxied from other servers (issue 20). */
    public record Media(long maxUploadBytes, long maxPixels, int maxSide, long remoteCacheBytes,
                        java.time.Duration remoteCacheTtl) {}
}
