package app.kindred.discovery;

import app.kindred.actor.Actor;
import app.kindred.actor.ActorStore;
import app.kindred.actor.LocalIds;
import app.kindred.config.Config;
import app.kindred.instance.InstanceSettings;
import app.kindred.policy.PolicyService;
import app.kindred.refusal.Refusal;
import app.kindred.storage.Database;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;

/**
 * How the fediverse finds us: WebFinger (RFC 7033) for members, communities and the server actor
 * (FEP-d556), host-meta for older clients, and NodeInfo 2.0/2.1 with the instance actor (FEP-2677).
 */
public final class DiscoveryRoutes {
    static final String NODEINFO_20 = "http://nodeinfo.diaspora.software/ns/schema/2.0";
    static final String NODEINFO_21 = "http://nodeinfo.diaspora.software/ns/schema/2.1";
    static final String APPLICATION_ACTOR_REL = "https://www.w3.org/ns/activitystreams#Application";
    static final String AS_TYPE = "https://www.w3.org/ns/activitystreams#type";

    private final Config config;
    private final Database db;
    private final ActorStore actors;
    private final LocalIds ids;
    private final Actor instanceActor;
    private final InstanceStats stats;
    private final String version;
    private final PolicyService policy;
    private final ObjectMapper json = new ObjectMapper();

    public DiscoveryRoutes(
            Config config,
            Database db,
            ActorStore actors,
            LocalIds ids,
            Actor instanceActor,
            String version,
            PolicyService policy) {
        this.config = config;
        this.db = db;
        this.actors = actors;
        this.ids = ids;
        this.instanceActor = instanceActor;
        this.stats = new InstanceStats(db);
        this.version = version;
        this.policy = policy;
    }

    public void register(RoutesConfig routes) {
        routes.get("/.well-known/webfinger", this::webfinger);
        routes.get("/.well-known/host-meta", ctx -> {
            var accept = Optional.ofNullable(ctx.header("Accept")).orElse("");
            if (accept.contains("json")) hostMetaJson(ctx);
            else hostMetaXml(ctx);
        });
        routes.get("/.well-known/host-meta.json", this::hostMetaJson);
        routes.get("/.well-known/nodeinfo", this::nodeInfoLinks);
        routes.get("/nodeinfo/2.1", ctx -> nodeInfo(ctx, "2.1"));
        routes.get("/nodeinfo/2.0", ctx -> nodeInfo(ctx, "2.0"));
    }

    private void webfinger(Context ctx) {
        ctx.header("Access-Control-Allow-Origin", "*");
        var resource = ctx.queryParam("resource");
        if (resource == null || resource.isBlank()) {
            throw new Refusal(
                    Refusal.Kind.BAD_REQUEST,
                    "resource",
                    "resource is missing; ask for ?resource=acct:NAME@" + domain());
        }
        var actor = resolve(resource.strip());
        // A member who deleted their account is not found by name any more (their actor answers 410).
        if (actor.local() && db.read(c -> actors.goneAt(c, actor.id())).isPresent()) {
            throw Refusal.notFound("the member who had this name deleted their account");
        }
        var subject = actor.equals(instanceActor) && !resource.startsWith("acct:")
                ? resource.strip()
                : "acct:" + actor.preferredUsername() + "@" + domain();
        var jrd = json.createObjectNode();
        jrd.put("subject", subject);
        jrd.putArray("aliases").add(actor.uri().toString());
        var self = jrd.putArray("links").addObject();
        self.put("rel", "self");
        self.put("type", "application/activity+json");
        self.put("href", actor.uri().toString());
        self.putObject("properties").put(AS_TYPE, actor.type().wireName());
        var profile = ((ArrayNode) jrd.get("links")).addObject();
        profile.put("rel", "http://webfinger.net/rel/profile-page");
        profile.put("type", "text/html");
        profile.put("href", actor.uri().toString());
        ctx.contentType("application/jrd+json").result(jrd.toString());
    }

    /** acct:NAME@DOMAIN, the actor's own URL, or the server's root URL for the instance actor (FEP-d556). */
    private Actor resolve(String resource) {
        if (resource.startsWith("acct:")) {
            var acct = resource.substring(5);
            int at = acct.lastIndexOf('@');
            if (at <= 0 || at == acct.length() - 1) {
                throw new Refusal(
                        Refusal.Kind.BAD_REQUEST,
                        "resource",
                        "resource " + resource + " is not of the form acct:NAME@DOMAIN");
            }
            var name = acct.substring(0, at).toLowerCase(Locale.ROOT);
            var host = acct.substring(at + 1).toLowerCase(Locale.ROOT);
            if (!host.equals(domain())) throw Refusal.notFound("this server is " + domain() + ", not " + host);
            if (name.equals(domain())) return instanceActor;
            return db.read(c -> actors.findLocal(c, name))
                    .orElseThrow(() -> Refusal.notFound("there is no member or community " + name + " here"));
        }
        URI uri;
        try {
            uri = new URI(resource);
        } catch (URISyntaxException e) {
            throw new Refusal(Refusal.Kind.BAD_REQUEST, "resource", "resource is neither acct:NAME@DOMAIN nor a URL");
        }
        if (uri.getScheme() == null
                || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                || uri.getRawAuthority() == null) {
            throw new Refusal(
                    Refusal.Kind.BAD_REQUEST, "resource", "resource is neither acct:NAME@DOMAIN nor an http(s) URL");
        }
        if (!uri.getRawAuthority().equalsIgnoreCase(domain())) {
            throw Refusal.notFound("this server is " + domain() + ", not " + uri.getRawAuthority());
        }
        var path = uri.getRawPath() == null ? "" : uri.getRawPath();
        if (path.isEmpty()
                || path.equals("/")
                || uri.toString().equals(instanceActor.uri().toString())) return instanceActor;
        var local = URI.create(ids.base() + path);
        return db.read(c -> actors.findByUri(c, local))
                .filter(Actor::local)
                .orElseThrow(() -> Refusal.notFound("nothing here is at " + resource));
    }

    private void hostMetaXml(Context ctx) {
        ctx.contentType("application/xrd+xml; charset=utf-8").result("""
                <?xml version="1.0" encoding="UTF-8"?>
                <XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">
                  <Link rel="lrdd" template="%s"/>
                </XRD>
                """.formatted(lrddTemplate()));
    }

    private void hostMetaJson(Context ctx) {
        var doc = json.createObjectNode();
        var link = doc.putArray("links").addObject();
        link.put("rel", "lrdd");
        link.put("template", lrddTemplate());
        ctx.contentType("application/json").result(doc.toString());
    }

    private String lrddTemplate() {
        return ids.base() + "/.well-known/webfinger?resource={uri}";
    }

    private void nodeInfoLinks(Context ctx) {
        var doc = json.createObjectNode();
        var links = doc.putArray("links");
        links.addObject().put("rel", NODEINFO_20).put("href", ids.base() + "/nodeinfo/2.0");
        links.addObject().put("rel", NODEINFO_21).put("href", ids.base() + "/nodeinfo/2.1");
        links.addObject()
                .put("rel", APPLICATION_ACTOR_REL)
                .put("href", instanceActor.uri().toString());
        ctx.header("Access-Control-Allow-Origin", "*")
                .contentType("application/json")
                .result(doc.toString());
    }

    private void nodeInfo(Context ctx, String schema) {
        var usage = stats.usage();
        ObjectNode doc = json.createObjectNode();
        doc.put("version", schema);
        var software = doc.putObject("software");
        software.put("name", "kindred");
        software.put("version", version);
        if (schema.equals("2.1")) software.put("homepage", ids.base().toString());
        doc.putArray("protocols").add("activitypub");
        var services = doc.putObject("services");
        services.putArray("inbound");
        services.putArray("outbound");
        // The settings in force: an admin may have changed them at /admin/instance (issue 15).
        var settings = new InstanceSettings(db, config.instance()).current();
        doc.put("openRegistrations", settings.registrations() == InstanceSettings.Registrations.OPEN);
        var u = doc.putObject("usage");
        u.putObject("users")
                .put("total", usage.users())
                .put("activeMonth", usage.activeMonth())
                .put("activeHalfyear", usage.activeHalfyear());
        u.put("localPosts", usage.localPosts());
        u.put("localComments", usage.localComments());
        var metadata = doc.putObject("metadata");
        metadata.put("nodeName", settings.name());
        var federation = metadata.putObject("federation");
        federation.put("mode", config.federation().mode());
        if (!config.federation().publishBlocklist().equals("no")) {
            var blocked = federation.putArray("blocked");
            for (var b : policy.published(config.federation().publishBlocklist())) {
                blocked.addObject()
                        .put("domain", b.domain())
                        .put("digest", b.digest())
                        .put("severity", b.severity())
                        .put("comment", b.comment());
            }
        }
        ctx.header("Access-Control-Allow-Origin", "*")
                .contentType(
                        "application/json; profile=\"http://nodeinfo.diaspora.software/ns/schema/" + schema + "#\"")
                .result(doc.toString());
    }

    private String domain() {
        return config.instance().domain().toLowerCase(Locale.ROOT);
    }
}
