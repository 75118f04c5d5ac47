package app.kindred;

import app.kindred.actor.Actor;
import app.kindred.actor.ActorStore;
import app.kindred.actor.InstanceActor;
import app.kindred.actor.LocalIds;
import app.kindred.api.ApiRoutes;
import app.kindred.audit.AuditLog;
import app.kindred.care.AccountDeletions;
import app.kindred.care.Boundaries;
import app.kindred.care.Breaks;
import app.kindred.care.Care;
import app.kindred.care.DailyReminder;
import app.kindred.care.DeletionWorker;
import app.kindred.care.ExportWorker;
import app.kindred.care.Exports;
import app.kindred.care.Filters;
import app.kindred.community.CommunityService;
import app.kindred.community.CommunityStore;
import app.kindred.config.Config;
import app.kindred.delivery.DeliveryMetrics;
import app.kindred.delivery.DeliveryStatus;
import app.kindred.delivery.DeliveryStore;
import app.kindred.delivery.DeliveryWorker;
import app.kindred.delivery.HostHealth;
import app.kindred.delivery.HostSignatureSchemes;
import app.kindred.delivery.InboxPoster;
import app.kindred.delivery.Outbox;
import app.kindred.delivery.RetrySchedule;
import app.kindred.discovery.DiscoveryRoutes;
import app.kindred.federation.ActivityPubRoutes;
import app.kindred.federation.ActorSigning;
import app.kindred.federation.ArchiveDocuments;
import app.kindred.federation.DepartureNotices;
import app.kindred.federation.KeyDirectory;
import app.kindred.federation.LocalDocuments;
import app.kindred.federation.OutgoingActivities;
import app.kindred.federation.OutreachPublisher;
import app.kindred.federation.Publisher;
import app.kindred.federation.Relay;
import app.kindred.federation.RemoteActors;
import app.kindred.federation.RemoteCommunities;
import app.kindred.federation.RemoteLookups;
import app.kindred.federation.ReportPublisher;
import app.kindred.federation.RequestAuthenticator;
import app.kindred.federation.inbound.FederationContext;
import app.kindred.federation.inbound.InboundProcessor;
import app.kindred.federation.inbound.InboxRoutes;
import app.kindred.federation.signature.RequestSigner;
import app.kindred.federation.signature.SignatureScheme;
import app.kindred.federation.signature.SignatureVerifier;
import app.kindred.federation.signature.VerificationPolicy;
import app.kindred.follow.FollowService;
import app.kindred.follow.FollowStore;
import app.kindred.instance.InstanceSettings;
import app.kindred.logging.LogFormat;
import app.kindred.media.DiskStorage;
import app.kindred.media.ImageIntake;
import app.kindred.media.MediaHousekeeping;
import app.kindred.media.MediaProxy;
import app.kindred.media.MediaRoutes;
import app.kindred.media.MediaService;
import app.kindred.media.MediaStore;
import app.kindred.member.Accounts;
import app.kindred.member.MemberService;
import app.kindred.member.MemberStore;
import app.kindred.member.PasswordHashing;
import app.kindred.member.SessionService;
import app.kindred.member.SessionStore;
import app.kindred.metrics.Metrics;
import app.kindred.metrics.MetricsServer;
import app.kindred.moderation.ModerationService;
import app.kindred.notification.NotificationService;
import app.kindred.outreach.Outreach;
import app.kindred.outreach.OutreachStore;
import app.kindred.policy.CommunityBlocks;
import app.kindred.policy.FederationPolicy;
import app.kindred.policy.PolicyService;
import app.kindred.ratelimit.ClientKeys;
import app.kindred.ratelimit.RateLimits;
import app.kindred.ratelimit.SharedBuckets;
import app.kindred.registration.Registrations;
import app.kindred.remote.AddressPolicy;
import app.kindred.remote.FetchException;
import app.kindred.remote.RemoteFetcher;
import app.kindred.report.ConcernStops;
import app.kindred.report.ReportService;
import app.kindred.report.ReportStore;
import app.kindred.report.UnseenConcerns;
import app.kindred.search.SearchService;
import app.kindred.storage.Database;
import app.kindred.storage.ReadableChanges;
import app.kindred.storage.Sql;
import app.kindred.thread.Discussions;
import app.kindred.thread.PostStore;
import app.kindred.thread.ThreadService;
import app.kindred.thread.VoteStore;
import app.kindred.web.WebServer;
import app.kindred.web.pages.WebPages;
import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The composition root: one instance's configuration, database and feature services, wired by
 * hand. The HTTP server and the CLI are both built on it; nothing here starts listening.
 */
public final class App implements AutoCloseable {
    private final Config config;
    private final Database database;
    private final LocalIds ids;
    private final Actor instanceActor;
    private final MemberService members;
    private final CommunityService communities;
    private final ActorStore actorStore;
    private final LocalDocuments documents;
    private final RemoteFetcher fetcher;
    private final RemoteActors remoteActors;
    private final ActorSigning signing;
    private final RequestAuthenticator authenticator;
    private final Outbox outbox;
    private final FederationPolicy policy;
    private final PolicyService policyService;
    private final HostHealth hostHealth;
    private final DeliveryMetrics deliveryMetrics = new DeliveryMetrics();
    private final Optional<Metrics> metrics;
    private MetricsServer metricsServer;
    // The admins' workspace (admin6): accounts as admins look after them.
    private final Accounts accounts;
    private final InstanceSettings instanceSettings;
    private final Registrations registrations;
    private final DeliveryWorker deliveryWorker;
    private final InboundProcessor inboundProcessor;
    private final ThreadService threads;
    private final Discussions discussions;
    private final Care care;
    private final Filters filters;
    private final FollowService follows;
    private final PostStore postStore;
    private final SessionService sessions;
    private final ReportService reports;
    private final Outreach outreach;
    private final ConcernStops concernStops;
    private final UnseenConcerns unseenConcerns;
    private final ModerationService moderation;
    private final NotificationService notifications;
    private final SearchService search;
    private final MediaService media;
    private final MediaProxy mediaProxy;
    private final MediaHousekeeping mediaHousekeeping;
    private final PasswordHashing hashing;
    private final RateLimits limits;
    private final ClientKeys clientKeys;
    private final SharedBuckets sharedBuckets;
    /** How long a sign-in waits for a hashing thread before it is told to come back (503). */
    private static final Duration HASHING_WAIT = Duration.ofSeconds(3);

    private final Boundaries boundaries;
    private final Breaks breaks;
    private final Exports exports;
    private final ExportWorker exportWorker;
    private final AccountDeletions deletions;
    private final DeletionWorker deletionWorker;
    private final DailyReminder reminder;

    /**
     * @param clock the time every part reads (signatures, sessions, retries, policy caches)
     * @param random where keys, tokens and secrets come from
     */
    private App(Config config, Database database, Clock clock, SecureRandom random) {
        this.config = config;
        this.database = database;
        this.ids = new LocalIds(config.instance().baseUri());
        this.actorStore = new ActorStore(ids);
        var memberStore = new MemberStore(actorStore);
        var communityStore = new CommunityStore(actorStore);
        this.instanceActor = InstanceActor.ensure(database, actorStore, ids, random);
        var server = config.server();
        this.hashing =
                new PasswordHashing(server.passwordHashThreads(), server.passwordHashQueue(), HASHING_WAIT, random);
        // Client keys and the limits that must hold for the whole instance are shared through the
        // database, so several processes behind one proxy limit together (docs/several-processes.md).
        this.clientKeys = ClientKeys.sharedThrough(database, random, clock);
        this.sharedBuckets = new SharedBuckets(database, clientKeys);
        this.limits = new RateLimits(config.limits(), Optional.of(sharedBuckets));
        // Only when they are served: the registry and its JVM binders cost seconds of start-up on a busy machine.
        this.metrics = config.metrics().port() == 0
                ? Optional.empty()
                : Optional.of(new Metrics(database, limits, deliveryMetrics, clock));
        this.members = new MemberService(database, actorStore, memberStore, ids, random, hashing, clock);
        this.communities = new CommunityService(database, actorStore, memberStore, communityStore, ids, random);
        var followStore = new FollowStore();
        this.policy = new FederationPolicy(
                database,
                config.federation().mode().equals("allowlist")
                        ? FederationPolicy.Mode.ALLOWLIST
                        : FederationPolicy.Mode.OPEN,
                config.instance().domain(),
                clock);
        this.policyService = new PolicyService(database, policy);
        this.outbox = new Outbox(policy::federates);
        this.postStore = new PostStore(policy::limitedAuthorities);
        this.documents = new LocalDocuments(database, actorStore, communityStore, followStore, postStore, ids);
        this.signing = new ActorSigning(database, actorStore, new RequestSigner(clock));
        this.fetcher = new RemoteFetcher(
                new AddressPolicy(
                        config.federation().allowPrivateAddresses(),
                        config.federation().privateHosts()),
                config.instance().scheme().equals("http"),
                new RemoteFetcher.Limits(
                        Duration.ofSeconds(5),
                        config.federation().fetchTimeout(),
                        config.federation().fetchMaxBytes(),
                        3),
                "Kindred/" + version() + " (+" + ids.base() + "/)");
        // Fetches are signed by the instance actor, so servers with authorized fetch answer us.
        fetcher.signWith(signing.as(instanceActor, SignatureScheme.CAVAGE));
        fetcher.refuseHosts(host -> !policy.federates(host));
        this.remoteActors = new RemoteActors(
                database, actorStore, fetcher, config.instance().scheme(), clock);
        var remoteCommunities = new RemoteCommunities(database, communityStore, fetcher, remoteActors);
        var verifier = new SignatureVerifier(
                clock,
                VerificationPolicy.defaults()
                        .withMaxAge(config.federation().signatureMaxAge())
                        .withMaxSkew(config.federation().signatureMaxSkew()));
        this.authenticator = new RequestAuthenticator(
                verifier, new KeyDirectory(database, actorStore, remoteActors, fetcher, clock), limits);

        var delivery = config.delivery();
        this.hostHealth = new HostHealth(delivery.unavailableAfter());
        var poster = new InboxPoster(
                new AddressPolicy(
                        config.federation().allowPrivateAddresses(),
                        config.federation().privateHosts()),
                delivery.timeout(),
                delivery.perHost(),
                "Kindred/" + version() + " (+" + ids.base() + "/)",
                new HostSignatureSchemes(database.background()));
        // Background work has its own connections (database.background_pool_size), so requests cannot starve it.
        var background = database.background();
        this.deliveryWorker = new DeliveryWorker(
                background,
                new DeliveryStore(),
                outbox,
                hostHealth,
                poster,
                RetrySchedule.standard(delivery.giveUpAfter(), delivery.timeScale()),
                deliveryMetrics,
                actorStore,
                signing::as,
                new DeliveryWorker.Settings(
                        delivery.workers(),
                        delivery.perHost(),
                        delivery.pollInterval(),
                        delivery.timeout().multipliedBy(3),
                        Duration.ofHours(6)),
                policy::federates,
                clock);

        var federation = new FederationContext(
                database,
                actorStore,
                communityStore,
                followStore,
                postStore,
                new VoteStore(),
                remoteActors,
                fetcher,
                outbox,
                new OutgoingActivities(),
                policy);
        var inboundFederation = new FederationContext(
                background,
                actorStore,
                communityStore,
                followStore,
                postStore,
                new VoteStore(),
                remoteActors.through(background),
                fetcher,
                outbox,
                new OutgoingActivities(),
                policy);
        this.inboundProcessor = new InboundProcessor(
                background,
                inboundFederation,
                config.federation().inboundConcurrency(),
                delivery.pollInterval(),
                RetrySchedule.standard(delivery.giveUpAfter(), delivery.timeScale()),
                random,
                config.federation().inboundRetention());
        var publisher = new Publisher(
                new Relay(federation.outgoing(), outbox),
                actorStore,
                postStore,
                outbox,
                federation.outgoing(),
                documents);
        var mediaLimits = config.media();
        var intake = new ImageIntake(
                new ImageIntake.Limits(mediaLimits.maxUploadBytes(), mediaLimits.maxPixels(), mediaLimits.maxSide()));
        // Read now, holding nothing: read on first use it was taken on a second connection inside a listing's read,
        // and the first crowd after a start could hold every connection waiting for one more (pool9).
        var proxySecret = database.read(c -> Sql.one(c, "select secret from media_proxy_key", rs -> rs.getString(1)))
                .orElseThrow();
        this.mediaProxy = new MediaProxy(
                proxySecret,
                MediaProxy.from(fetcher),
                intake,
                config.dataDir().resolve("media").resolve("remote"),
                mediaLimits.remoteCacheBytes(),
                mediaLimits.remoteCacheTtl(),
                authority -> policy.decide(authority).rejectMedia(),
                ids.base(),
                clock);
        // Suspending and lifting it tell other servers with an Update{Person} (issue 15).
        this.accounts = new Accounts(database, members, random, clock, publisher::profileChanged);
        this.instanceSettings = new InstanceSettings(database, config.instance());
        this.registrations = new Registrations(database, members, instanceSettings);
        this.media = new MediaService(
                database,
                new MediaStore(),
                new DiskStorage(config.dataDir().resolve("media").resolve("local")),
                intake,
                mediaProxy,
                ids.base(),
                random,
                publisher::profileChanged);
        this.mediaHousekeeping = new MediaHousekeeping(media, clock);
        this.threads = new ThreadService(
                database, postStore, new VoteStore(), communityStore, publisher, ids.base(), limits, media);
        this.discussions = new Discussions(database, postStore, threads.posting(), actorStore);
        this.care = new Care(database);
        this.follows = new FollowService(
                database, followStore, communityStore, remoteActors, remoteCommunities, publisher, actorStore, limits);
        this.moderation =
                new ModerationService(database, actorStore, communityStore, postStore, remoteActors, publisher);
        this.sessions = new SessionService(database, new SessionStore(), members, memberStore, random, clock, limits);
        this.reports = new ReportService(
                database,
                new ReportStore(),
                postStore,
                communityStore,
                actorStore,
                new ReportPublisher(outbox),
                instanceActor,
                limits);
        this.notifications = new NotificationService(database);
        this.outreach =
                new Outreach(database, new OutreachStore(), actorStore, communityStore, new OutreachPublisher(outbox));
        this.concernStops = new ConcernStops(database, communityStore, actorStore);
        // The background pool: a flood of page views must not starve this check, nor the workers below.
        this.unseenConcerns =
                new UnseenConcerns(background, clock, config.care().concernUnseenAfter(), Duration.ofMinutes(1));
        this.search = new SearchService(
                database,
                postStore,
                new RemoteLookups(database, communityStore, postStore, remoteActors, remoteCommunities, fetcher),
                config.instance().domain());
        this.boundaries = new Boundaries(database, this::remotePerson);
        this.breaks = new Breaks(database, clock);
        this.filters = new Filters(database, clock);
        Function<Database, Exports> exportsOn = db -> new Exports(
                db,
                clock,
                random,
                config.dataDir().resolve("exports"),
                config.accounts().exportLinkLife(),
                new ArchiveDocuments(actorStore, communityStore, postStore));
        BiFunction<Database, Exports, AccountDeletions> deletionsOn = (db, through) -> new AccountDeletions(
                db,
                clock,
                config.accounts().deletionGrace(),
                members,
                media,
                through,
                new DepartureNotices(outbox, new OutgoingActivities()));
        this.exports = exportsOn.apply(database);
        this.deletions = deletionsOn.apply(database, exports);
        // The workers do the same work through the background pool (issue 19's read flood starved them).
        var exportsAtWork = exportsOn.apply(background);
        this.exportWorker = new ExportWorker(exports, exportsAtWork, Duration.ofMinutes(1));
        this.reminder = new DailyReminder(database, clock);
        // Polled often enough that a member's key goes soon after their Delete{Person} is delivered.
        var deletionPoll = delivery.pollInterval().multipliedBy(10);
        this.deletionWorker = new DeletionWorker(
                deletionsOn.apply(background, exportsAtWork),
                deletionPoll.compareTo(Duration.ofMinutes(1)) > 0 ? Duration.ofMinutes(1) : deletionPoll);
    }

    /** A remote person by handle or actor id, fetched if we do not know them yet; empty when no server answers. */
    private Optional<Long> remotePerson(String handleOrId) {
        try {
            return Optional.of(remoteActors.resolve(handleOrId).id());
        } catch (FetchException e) {
            return Optional.empty();
        }
    }

    /** Starts the background workers (delivery); only a serving process runs them. */
    public void startWorkers() {
        deliveryWorker.start();
        inboundProcessor.start();
        exportWorker.start();
        deletionWorker.start();
        mediaHousekeeping.start();
        unseenConcerns.start();
        sharedBuckets.startSweeping();
        policy.startRefreshing();
    }

    /** Every feature's HTTP routes, for the web server to mount. */
    public void registerRoutes(RoutesConfig routes) {
        registerRoutes(routes, Map.of());
    }

    /**
     * The same, with the web interface's page for an address the fediverse also uses (/c/{name},
     * /u/{name}, /p/{id}), keyed by route: browsers asking for HTML get the page there.
     */
    public void registerRoutes(RoutesConfig routes, Map<String, Handler> browserPages) {
        new DiscoveryRoutes(config, database, actorStore, ids, instanceActor, version(), policyService)
                .register(routes);
        new ActivityPubRoutes(
                        documents,
                        instanceActor,
                        authenticator,
                        ids.base(),
                        config.federation().authorizedFetch(),
                        policy)
                .register(routes, browserPages);
        new InboxRoutes(
                        database,
                        actorStore,
                        ids,
                        authenticator,
                        hostHealth,
                        inboundProcessor,
                        policy,
                        config.federation().blockedInboxResponse(),
                        limits,
                        fetcher)
                .register(routes);
        apiRoutes().register(routes);
        new MediaRoutes(media, mediaProxy).register(routes);
    }

    /** The HTTP server with every door's routes and the member pages, built but not started. */
    private ReadableChanges readableChanges;

    /** The serving process's listener for changes to what pages show (issue 14): one, started with the web server. */
    private synchronized ReadableChanges readableChanges() {
        if (readableChanges == null) {
            readableChanges = new ReadableChanges(database);
            instanceSettings.keepWhile(readableChanges);
        }
        return readableChanges;
    }

    public Javalin web() {
        var pages = new WebPages(new WebPages.Services(
                config,
                sessions,
                members,
                notifications(),
                reports(),
                communities,
                limits,
                media,
                boundaries(),
                breaks(),
                follows,
                threads,
                discussions,
                care(),
                search(),
                exports(),
                moderation(),
                deletions(),
                reminder(),
                this::clientKey,
                readableChanges(),
                outreach,
                filters,
                // The admins' workspace (admin6).
                accounts,
                policyService,
                new DeliveryStatus(database),
                new AuditLog(database),
                concernStops,
                instanceSettings,
                registrations));
        // The serving process alone opens the metrics port (a CLI command beside it must not).
        serveMetrics();
        return WebServer.create(
                config.server(),
                database::problem,
                this::registerRoutes,
                pages,
                metrics.<WebServer.RequestObserver>map(m -> m::request));
    }

    /** The client API's routes (issue #6). */
    public ApiRoutes apiRoutes() {
        return new ApiRoutes(
                registrations,
                members,
                sessions,
                communities,
                threads,
                follows,
                database,
                postStore,
                new DeliveryStatus(database),
                policyService,
                config.federation().publishBlocklist(),
                reports,
                moderation,
                notifications,
                search,
                boundaries,
                breaks,
                exports,
                limits,
                this::clientKey,
                media,
                config.media().maxUploadBytes(),
                filters,
                deletions,
                reminder,
                outreach,
                concernStops,
                accounts,
                config.instance().baseUri().toString(),
                instanceSettings);
    }

    /**
     * The rate-limit key of the client behind a request: an HMAC of its address (or of the
     * configured proxy header's last value), never the address itself.
     */
    public String clientKey(Context ctx) {
        var header = config.server().clientAddressHeader();
        var address = ctx.req().getRemoteAddr();
        if (!header.isEmpty() && ctx.header(header) != null) {
            // The proxy appends the address it saw last; earlier values are the client's own claims.
            var values = ctx.header(header).split(",");
            address = values[values.length - 1].strip();
        }
        return clientKeys.of(address);
    }

    /** The build's version, as Maven wrote it into the jar. */
    public static String version() {
        try (var in = App.class.getResourceAsStream("/app/kindred/version.properties")) {
            var props = new Properties();
            if (in != null) props.load(in);
            return props.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Connects to (or starts) the database, migrates it, and makes sure the instance actor exists: with
     * the system's UTC clock and a {@link SecureRandom}, the only place production picks them.
     */
    public static App open(Config config) {
        return open(config, Clock.systemUTC(), new SecureRandom());
    }

    /** As {@link #open(Config)} with a clock and a source of randomness of the caller's choosing (tests). */
    public static App open(Config config, Clock clock, SecureRandom random) {
        LogFormat.apply(config.logging().format());
        var database = Database.open(config);
        try {
            return new App(config, database, clock, random);
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    public Config config() {
        return config;
    }

    public Database database() {
        return database;
    }

    public LocalIds ids() {
        return ids;
    }

    public Actor instanceActor() {
        return instanceActor;
    }

    public MemberService members() {
        return members;
    }

    public CommunityService communities() {
        return communities;
    }

    public RemoteActors remoteActors() {
        return remoteActors;
    }

    public RemoteFetcher fetcher() {
        return fetcher;
    }

    public Outbox outbox() {
        return outbox;
    }

    public DeliveryWorker deliveryWorker() {
        return deliveryWorker;
    }

    /** The metrics, when metrics.port is set; empty otherwise, and nothing is measured. */
    public Optional<Metrics> metrics() {
        return metrics;
    }

    /**
     * Starts the Prometheus endpoint on its own port when metrics.port is set (only the serving
     * process calls this, so a command run beside it never takes the port); empty when it is 0.
     */
    public synchronized Optional<MetricsServer> serveMetrics() {
        var settings = config.metrics();
        if (metrics.isEmpty()) return Optional.empty();
        if (metricsServer == null)
            metricsServer = MetricsServer.start(metrics.get(), settings.host(), settings.port(), settings.token());
        return Optional.of(metricsServer);
    }

    public DeliveryMetrics deliveryMetrics() {
        return deliveryMetrics;
    }

    public ActorSigning signing() {
        return signing;
    }

    public InboundProcessor inboundProcessor() {
        return inboundProcessor;
    }

    public FederationPolicy policy() {
        return policy;
    }

    public PolicyService policyService() {
        return policyService;
    }

    public CommunityBlocks communityBlocks() {
        return new CommunityBlocks(database);
    }

    public ThreadService threads() {
        return threads;
    }

    /** The instance's crisis resources and each community's care settings, for readers. */
    public Care care() {
        return care;
    }

    public Discussions discussions() {
        return discussions;
    }

    public FollowService follows() {
        return follows;
    }

    public SessionService sessions() {
        return sessions;
    }

    public Filters filters() {
        return filters;
    }

    public Outreach outreach() {
        return outreach;
    }

    public ConcernStops concernStops() {
        return concernStops;
    }

    public UnseenConcerns unseenConcerns() {
        return unseenConcerns;
    }

    public ReportService reports() {
        return reports;
    }

    public ModerationService moderation() {
        return moderation;
    }

    public NotificationService notifications() {
        return notifications;
    }

    public SearchService search() {
        return search;
    }

    public MediaService media() {
        return media;
    }

    public RateLimits limits() {
        return limits;
    }

    public Boundaries boundaries() {
        return boundaries;
    }

    public Breaks breaks() {
        return breaks;
    }

    public Exports exports() {
        return exports;
    }

    public ExportWorker exportWorker() {
        return exportWorker;
    }

    public AccountDeletions deletions() {
        return deletions;
    }

    public DailyReminder reminder() {
        return reminder;
    }

    public Accounts accounts() {
        return accounts;
    }

    public InstanceSettings instanceSettings() {
        return instanceSettings;
    }

    public Registrations registrations() {
        return registrations;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (metricsServer != null) metricsServer.close();
            if (readableChanges != null) readableChanges.close();
        }
        metrics.ifPresent(Metrics::close);
        mediaHousekeeping.close();
        policy.close();
        sharedBuckets.close();
        unseenConcerns.close();
        deletionWorker.close();
        exportWorker.close();
        inboundProcessor.close();
        deliveryWorker.close();
        hashing.close();
        fetcher.close();
        database.close();
    }
}
