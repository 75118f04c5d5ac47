package app.kindred.actor;

import java.net.URI;

/** Where our own actors and their collections live: the one place that knows our URL layout. */
public record LocalIds(URI base) {

    public URI instanceActor() {
        return at("/actor");
    }

    public URI sharedInbox() {
        return at("/inbox");
    }

    public URI member(String name) {
        return at("/u/" + name);
    }

    public URI community(String name) {
        return at("/c/" + name);
    }

    public URI inbox(URI actor) {
        return URI.create(actor + "/inbox");
    }

    public URI outbox(URI actor) {
        return URI.create(actor + "/outbox");
    }

    public URI followers(URI actor) {
        return URI.create(actor + "/followers");
    }

    public String mainKeyId(URI actor) {
        return actor + "#main-key";
    }

    public String ed25519KeyId(URI actor) {
        return actor + "#ed25519-key";
    }

    private URI at(String path) {
        return URI.create(base + path);
    }
}
