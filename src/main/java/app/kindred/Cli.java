package app.kindred;

import app.kindred.actor.ActorName;
import app.kindred.actor.DomainPattern;
import app.kindred.config.Config;
import app.kindred.config.ConfigException;
import app.kindred.config.ConfigLoader;
import app.kindred.delivery.DeliveryStatus;
import app.kindred.federation.signature.SignatureAlgorithm;
import app.kindred.member.Role;
import app.kindred.policy.Blocklist;
import app.kindred.policy.DomainBlock;
import app.kindred.refusal.Refusal;
import app.kindred.storage.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * The one command-line entry point. Exit codes: 0 done, 1 refused (the input was understood but
 * cannot be carried out, or the configuration is wrong), 2 usage (the command line is wrong).
 */
public final class Cli {
    public static final int OK = 0, REFUSED = 1, USAGE = 2;

    /** Where a command reads and writes; tests pass their own. */
    public record Io(InputStream in, PrintStream out, PrintStream err, Map<String, String> environment) {
        public static Io system() {
            return new Io(System.in, System.out, System.err, System.getenv());
        }
    }

    private interface Handler {
        int run(CommandSpec.Parsed args, Config config, Io io) throws IOException;
    }

    private record Command(CommandSpec spec, Handler handler) {}

    private static final List<Command> COMMANDS = List.of(
            new Command(
                    new CommandSpec(
                            "serve",
                            "serve [--config FILE]",
                            "Start the server. With no database.url it runs an embedded PostgreSQL in data.dir.",
                            List.of(),
                            Set.of(),
                            Set.of(),
                            Set.of()),
                    Cli::serve),
            new Command(
                    new CommandSpec(
                            "migrate",
                            "migrate [--config FILE]",
                            "Apply the database migrations, then exit.",
                            List.of(),
                            Set.of(),
                            Set.of(),
                            Set.of()),
                    Cli::migrate),
            new Command(
                    new CommandSpec(
                            "user create",
                            "user create NAME [--admin] --password-stdin [--config FILE]",
                            "Create a local member. NAME is 1-30 lowercase letters, digits or _; the password (10 or more\n"
                                    + "characters) is read from standard input. --admin makes the member an instance admin.",
                            List.of("NAME"),
                            Set.of("--admin", "--password-stdin"),
                            Set.of(),
                            Set.of("--password-stdin")),
                    Cli::createUser),
            new Command(
                    new CommandSpec(
                            "user admin",
                            "user admin NAME [--config FILE]",
                            "Make the local member NAME an instance admin (so the only admin may leave, for one).",
                            List.of("NAME"),
                            Set.of(),
                            Set.of(),
                            Set.of()),
                    Cli::makeAdmin),
            new Command(
                    new CommandSpec(
                            "user suspend",
                            "user suspend NAME --reason TEXT [--config FILE]",
                            "Suspend the local member NAME: signed out everywhere, cannot sign in or post, posts hidden.\n"
                                    + "Nothing is deleted; 'user unsuspend' lifts it. An admin is not suspended (make them a member).",
                            List.of("NAME"),
                            Set.of(),
                            Set.of("--reason"),
                            Set.of("--reason")),
                    Cli::suspendUser),
            new Command(
                    new CommandSpec(
                            "user unsuspend",
                            "user unsuspend NAME [--reason TEXT] [--config FILE]",
                            "Lift the suspension of the local member NAME: they can sign in again and their posts show.",
                            List.of("NAME"),
                            Set.of(),
                            Set.of("--reason"),
                            Set.of()),
                    Cli::unsuspendUser),
            // Sign-up by application (issue 15, admin7).
            new Command(
                    new CommandSpec(
                            "user applications",
                            "user applications [--config FILE]",
                            "List the applications waiting for an admin, oldest first, with each applicant's answer.",
                            List.of(),
                            Set.of(),
                            Set.of(),
                            Set.of()),
                    Cli::listApplications),
            new Command(
                    new CommandSpec(
                            "user approve",
                            "user approve NAME [--config FILE]",
                            "Approve the application of NAME: they can sign in.",
                            List.of("NAME"),
                            Set.of(),
                            Set.of(),
                            Set.of()),
                    Cli::approveApplication),
            new Command(
                    new CommandSpec(
                            "user refuse",
                            "user refuse NAME [--reason TEXT] [--config FILE]",
                            "Refuse the application of NAME; the reason (optional) is what they read when they next sign in.",
                            List.of("NAME"),
                            Set.of(),
                            Set.of("--reason"),
                            Set.of()),
                    Cli::refuseApplication),
            new Command(
                    new CommandSpec(
                            "community create",
                            "community create NAME --title TITLE [--description TEXT] --moderator USER [--config FILE]",
                            "Create a community (an ActivityPub Group) with the local member USER as its first moderator.\n"
                                    + "NAME shares one namespace with member names.",
                            List.of("NAME"),
                            Set.of(),
                            Set.of("--title", "--description", "--moderator"),
                            Set.of("--title", "--moderator")),
                    Cli::createCommunity),
            new Command(
                    new CommandSpec(
                            "federation status",
                            "federation status [--activity ID] [--config FILE]",
                            "Show delivery per destination host (queued, in flight, delivered, failed, parked, failing since,\n"
                                    + "last error, unavailable), or with --activity where one activity has and has not arrived.",
                            List.of(),
                            Set.of(),
                            Set.of("--activity"),
                            Set.of()),
                    Cli::federationStatus),
            new Command(
                    new CommandSpec(
                            "federation retry",
                            "federation retry HOST [--config FILE]",
                            "Try the deliveries waiting for HOST again now, lifting an unavailable mark; if it still fails\n"
                                    + "it is marked unavailable again at the next failure.",
                            List.of("HOST"),
                            Set.of(),
                            Set.of(),
                            Set.of()),
                    Cli::retryHost),
            new Command(
                    new CommandSpec(
                            "domain block",
                            "domain block DOMAIN --severity suspend|limit [--reject-media] [--reject-reports] [--reason TEXT] "
                                    + "[--public-comment TEXT] [--obfuscate] [--dry-run] [--yes] [--config FILE]",
                            "Block an instance. DOMAIN is a host (covers its subdomains and every port), host:port, or *.host.\n"
                                    + "suspend: nothing in or out, follows severed both ways; limit: kept out of listings, follows need approval.\n"
                                    + "A suspend that cuts follows is shown first and applied only with --yes; --dry-run only shows it.",
                            List.of("DOMAIN"),
                            Set.of("--reject-media", "--reject-reports", "--obfuscate", "--dry-run", "--yes"),
                            Set.of("--severity", "--reason", "--public-comment"),
                            Set.of("--severity")),
                    Cli::blockDomain),
            new Command(
                    new CommandSpec(
                            "domain unblock",
                            "domain unblock DOMAIN [--reason TEXT] [--config FILE]",
                            "Lift a block for new activity. Follows that were severed stay severed.",
                            List.of("DOMAIN"),
                            Set.of(),
                            Set.of("--reason"),
                            Set.of()),
                    Cli::unblockDomain),
            new Command(
                    new CommandSpec(
                            "domain list",
                            "domain list [--config FILE]",
                            "List the blocked domains.",
                            List.of(),
                            Set.of(),
                            Set.of(),
                            Set.of()),
                    Cli::listDomains),
            new Command(
                    new CommandSpec(
                            "domain allow",
                            "domain allow DOMAIN [--config FILE]",
                            "Add a domain to the allowlist (used when federation.mode = allowlist).",
                            List.of("DOMAIN"),
                            Set.of(),
                            Set.of(),
                            Set.of()),
                    Cli::allowDomain),
            new Command(
                    new CommandSpec(
                            "domain unallow",
                            "domain unallow DOMAIN [--config FILE]",
                            "Take a domain off the allowlist; with federation.mode = allowlist it stops federating at once.",
                            List.of("DOMAIN"),
                            Set.of(),
                            Set.of(),
                            Set.of()),
                    Cli::unallowDomain),
            new Command(
                    new CommandSpec(
                            "domain import",
                            "domain import FILE [--dry-run] [--config FILE]",
                            "Import a blocklist: Mastodon's CSV (#domain,#severity,...) or one domain per line (suspend).\n"
                                    + "Every row must be valid, or nothing is applied; --dry-run shows what would change.",
                            List.of("FILE"),
                            Set.of("--dry-run"),
                            Set.of(),
                            Set.of()),
                    Cli::importDomains),
            new Command(
                    new CommandSpec(
                            "domain export",
                            "domain export [--format csv|plain] [--config FILE]",
                            "Print the blocklist in Mastodon's CSV format (default) or as plain domains.",
                            List.of(),
                            Set.of(),
                            Set.of("--format"),
                            Set.of()),
                    Cli::exportDomains));

    private Cli() {}

    public static int run(String[] argv, Io io) {
        var args = Arrays.asList(argv);
        if (args.isEmpty()
                || args.get(0).equals("--help")
                || args.get(0).equals("-h")
                || args.get(0).equals("help")) {
            (args.isEmpty() ? io.err() : io.out()).print(overview());
            return args.isEmpty() ? USAGE : OK;
        }
        var command = find(args);
        if (command.isEmpty()) {
            io.err()
                    .println("kindred: unknown command '" + String.join(" ", args.subList(0, Math.min(2, args.size())))
                            + "'; run 'kindred --help' for the list of commands");
            return USAGE;
        }
        var spec = command.get().spec();
        int wordCount = spec.words().split(" ").length;
        try {
            var parsed = spec.parse(args.subList(wordCount, args.size()));
            if (parsed.help()) {
                io.out().print(spec.help());
                return OK;
            }
            var config = ConfigLoader.load(
                    Optional.ofNullable(parsed.value("--config")).map(Path::of), io.environment());
            return command.get().handler().run(parsed, config, io);
        } catch (UsageException e) {
            io.err().println("kindred: " + e.getMessage());
            return USAGE;
        } catch (ConfigException e) {
            io.err().println("kindred: configuration: " + e.getMessage());
            return REFUSED;
        } catch (Refusal e) {
            io.err().println("kindred: " + e.getMessage());
            return REFUSED;
        } catch (StorageException e) {
            io.err().println("kindred: " + e.getMessage());
            return REFUSED;
        } catch (IOException e) {
            io.err().println("kindred: could not read input: " + e.getMessage());
            return REFUSED;
        }
    }

    private static Optional<Command> find(List<String> args) {
        return COMMANDS.stream()
                .filter(c -> {
                    var words = c.spec().words().split(" ");
                    if (args.size() < words.length) return false;
                    for (int i = 0; i < words.length; i++) if (!words[i].equals(args.get(i))) return false;
                    return true;
                })
                .findFirst();
    }

    private static String overview() {
        var sb = new StringBuilder("usage: kindred COMMAND [OPTIONS]\n\ncommands:\n");
        for (var c : COMMANDS) sb.append("  ").append(c.spec().usage()).append('\n');
        sb.append(
                "\nEvery command takes --help. Settings come from --config FILE and KINDRED_* environment variables.\n");
        return sb.toString();
    }

    private static int serve(CommandSpec.Parsed args, Config config, Io io) {
        // Picks the RSA implementation now, so its one INFO line ("RSA signatures: ...") is in the start-up log.
        SignatureAlgorithm.rsaImplementation();
        var app = App.open(config);
        var web = app.web();
        app.startWorkers();
        var stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            // Jetty stops accepting, lets in-flight requests finish, then the pool and PostgreSQL
                            // close.
                            web.stop();
                            app.close();
                            stopped.countDown();
                        },
                        "kindred-shutdown"));
        try {
            web.start(config.server().host(), config.server().port());
        } catch (RuntimeException e) {
            app.close();
            throw new Refusal(
                    Refusal.Kind.INVALID,
                    "server.port",
                    "could not listen on " + config.server().host() + ":"
                            + config.server().port() + " (" + e.getMessage() + "); free the port or set server.port");
        }
        io.out()
                .println("Kindred is serving " + config.instance().baseUri() + " on http://"
                        + config.server().host() + ":" + web.port());
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return OK;
    }

    private static int migrate(CommandSpec.Parsed args, Config config, Io io) {
        try (var app = App.open(config)) {
            io.out().println("the database is migrated");
        }
        return OK;
    }

    private static int createUser(CommandSpec.Parsed args, Config config, Io io) throws IOException {
        var password = readPassword(io.in());
        var name = args.positionals().get(0);
        var role = args.flags().contains("--admin") ? Role.ADMIN : Role.MEMBER;
        // Validate before opening the database so a bad name costs nothing.
        new ActorName(name);
        try (var app = App.open(config)) {
            var member = app.members().create(name, password, role);
            io.out()
                    .println("created " + role.name().toLowerCase() + " " + member.username() + " ("
                            + member.actor().uri() + ")");
        }
        return OK;
    }

    private static int makeAdmin(CommandSpec.Parsed args, Config config, Io io) {
        var name = args.positionals().get(0);
        new ActorName(name);
        try (var app = App.open(config)) {
            var member = app.members().makeAdmin(name);
            io.out().println(member.username() + " is an admin");
        }
        return OK;
    }

    private static int createCommunity(CommandSpec.Parsed args, Config config, Io io) {
        var name = args.positionals().get(0);
        new ActorName(name);
        try (var app = App.open(config)) {
            var community = app.communities()
                    .create(name, args.value("--title"), args.value("--description"), args.value("--moderator"));
            io.out()
                    .println("created community " + community.name() + " ("
                            + community.actor().uri() + ")");
        }
        return OK;
    }

    private static int federationStatus(CommandSpec.Parsed args, Config config, Io io) {
        try (var app = App.open(config)) {
            var status = new DeliveryStatus(app.database());
            var activity = args.value("--activity");
            if (activity != null) {
                var rows = status.activity(activity);
                if (rows.isEmpty()) throw Refusal.notFound("no outgoing activity " + activity + " is known here");
                io.out().printf("%-50s %-10s %8s %6s  %s%n", "INBOX", "STATE", "ATTEMPTS", "STATUS", "LAST ERROR");
                for (var r : rows) {
                    io.out()
                            .printf(
                                    "%-50s %-10s %8d %6s  %s%n",
                                    r.inbox(),
                                    r.state(),
                                    r.attempts(),
                                    r.lastStatus() == null ? "-" : r.lastStatus(),
                                    r.lastError() == null ? "" : r.lastError());
                }
                return OK;
            }
            var hosts = status.hosts();
            io.out()
                    .printf(
                            "%-32s %7s %9s %9s %7s %7s %-12s %-22s  %s%n",
                            "HOST",
                            "QUEUED",
                            "IN-FLIGHT",
                            "DELIVERED",
                            "FAILED",
                            "PARKED",
                            "AVAILABLE",
                            "FAILING SINCE",
                            "LAST ERROR");
            for (var h : hosts) {
                io.out()
                        .printf(
                                "%-32s %7d %9d %9d %7d %7d %-12s %-22s  %s%n",
                                h.host(),
                                h.queued(),
                                h.inFlight(),
                                h.delivered(),
                                h.failed(),
                                h.parked(),
                                h.unavailable() ? "unavailable" : "yes",
                                h.failingSince() == null
                                        ? "-"
                                        : h.failingSince().toString(),
                                h.lastError() == null ? "" : h.lastError());
            }
            long fanouts = status.waitingFanouts();
            if (fanouts > 0)
                io.out().printf("%d announce(s) to followers waiting to be expanded into deliveries%n", fanouts);
            if (hosts.isEmpty() && fanouts == 0) io.out().println("nothing has been delivered or queued yet");
        }
        return OK;
    }

    private static final String CLI_ADMIN = "cli";

    private static int blockDomain(CommandSpec.Parsed args, Config config, Io io) {
        var domain = DomainPattern.parse(args.positionals().get(0));
        var severity = DomainBlock.Severity.parse(args.value("--severity"));
        if (severity == DomainBlock.Severity.NOOP)
            throw Refusal.invalid("severity", "use --severity suspend or --severity limit");
        var block = new DomainBlock(
                domain,
                severity,
                args.flags().contains("--reject-media"),
                args.flags().contains("--reject-reports"),
                orEmpty(args.value("--public-comment")),
                orEmpty(args.value("--reason")),
                args.flags().contains("--obfuscate"),
                null);
        try (var app = App.open(config)) {
            var preview = app.policyService().preview(domain);
            if (severity == DomainBlock.Severity.SUSPEND) {
                io.out()
                        .printf(
                                "suspending %s cuts %d follow(s) (%d by our members and communities, %d of them) "
                                        + "affecting %d member(s) and %d community(ies), and drops %d queued delivery(ies)%n",
                                domain,
                                preview.follows(),
                                preview.followsOut(),
                                preview.followsIn(),
                                preview.membersAffected(),
                                preview.communitiesAffected(),
                                preview.queuedDeliveries());
            } else {
                io.out()
                        .printf(
                                "limiting %s keeps its content out of public listings and makes its new follows wait for "
                                        + "approval; nothing is severed%n",
                                domain);
            }
            if (args.flags().contains("--dry-run")) return OK;
            if (severity == DomainBlock.Severity.SUSPEND
                    && preview.follows() > 0
                    && !args.flags().contains("--yes")) {
                throw new Refusal(
                        Refusal.Kind.CONFLICT, null, "nothing changed; run again with --yes to confirm the suspend");
            }
            app.policyService().block(block, CLI_ADMIN, orEmpty(args.value("--reason")));
            io.out().println("blocked " + domain + " (" + severity.wireName() + ")");
        }
        return OK;
    }

    private static int unblockDomain(CommandSpec.Parsed args, Config config, Io io) {
        var domain = DomainPattern.parse(args.positionals().get(0));
        try (var app = App.open(config)) {
            app.policyService().unblock(domain, CLI_ADMIN, orEmpty(args.value("--reason")));
            io.out().println("unblocked " + domain + "; severed follows are not restored");
        }
        return OK;
    }

    private static int allowDomain(CommandSpec.Parsed args, Config config, Io io) {
        var domain = DomainPattern.parse(args.positionals().get(0));
        try (var app = App.open(config)) {
            app.policyService().allow(domain, CLI_ADMIN);
            io.out()
                    .println("allowed " + domain
                            + (config.federation().mode().equals("allowlist")
                                    ? ""
                                    : " (takes effect when federation.mode = allowlist)"));
        }
        return OK;
    }

    private static int unallowDomain(CommandSpec.Parsed args, Config config, Io io) {
        var domain = DomainPattern.parse(args.positionals().get(0));
        try (var app = App.open(config)) {
            app.policyService().unallow(domain, CLI_ADMIN);
            io.out()
                    .println("took " + domain + " off the allowlist"
                            + (config.federation().mode().equals("allowlist")
                                    ? "; it no longer federates"
                                    : " (the allowlist applies when federation.mode = allowlist)"));
        }
        return OK;
    }

    private static int suspendUser(CommandSpec.Parsed args, Config config, Io io) {
        var name = args.positionals().get(0);
        new ActorName(name);
        try (var app = App.open(config)) {
            app.accounts().suspendAsOperator(name, args.value("--reason"));
            io.out().println(name + " is suspended: signed out everywhere, and cannot sign in or post");
        }
        return OK;
    }

    private static int unsuspendUser(CommandSpec.Parsed args, Config config, Io io) {
        var name = args.positionals().get(0);
        new ActorName(name);
        try (var app = App.open(config)) {
            app.accounts().unsuspendAsOperator(name, orEmpty(args.value("--reason")));
            io.out().println(name + " is no longer suspended");
        }
        return OK;
    }

    private static int listApplications(CommandSpec.Parsed args, Config config, Io io) {
        try (var app = App.open(config)) {
            var waiting = app.registrations().waitingAsOperator();
            if (waiting.isEmpty()) io.out().println("no application is waiting");
            for (var w : waiting)
                io.out()
                        .println(w.username() + "\t" + w.appliedAt() + "\t"
                                + w.answer().replace('\n', ' '));
        }
        return OK;
    }

    private static int approveApplication(CommandSpec.Parsed args, Config config, Io io) {
        var name = args.positionals().get(0);
        new ActorName(name);
        try (var app = App.open(config)) {
            app.registrations().approveAsOperator(name);
            io.out().println("approved " + name + ": they can sign in");
        }
        return OK;
    }

    private static int refuseApplication(CommandSpec.Parsed args, Config config, Io io) {
        var name = args.positionals().get(0);
        new ActorName(name);
        try (var app = App.open(config)) {
            app.registrations().refuseAsOperator(name, orEmpty(args.value("--reason")));
            io.out().println("refused " + name + "; they will read it when they next sign in");
        }
        return OK;
    }

    private static int retryHost(CommandSpec.Parsed args, Config config, Io io) {
        var host = args.positionals().get(0);
        try (var app = App.open(config)) {
            int due = new DeliveryStatus(app.database()).retryNow(host, CLI_ADMIN);
            io.out().println(due + " delivery(ies) to " + host + " will be tried again now");
        }
        return OK;
    }

    private static int listDomains(CommandSpec.Parsed args, Config config, Io io) {
        try (var app = App.open(config)) {
            var blocks = app.policyService().list();
            if (blocks.isEmpty()) io.out().println("no domains are blocked");
            for (var b : blocks) {
                io.out()
                        .printf(
                                "%-40s %-8s%s%s  %s%n",
                                b.domain(),
                                b.severity().wireName(),
                                b.rejectMedia() ? " reject-media" : "",
                                b.rejectReports() ? " reject-reports" : "",
                                b.publicComment());
            }
        }
        return OK;
    }

    private static int importDomains(CommandSpec.Parsed args, Config config, Io io) throws IOException {
        var file = Path.of(args.positionals().get(0));
        if (!Files.isReadable(file)) throw Refusal.invalid("FILE", "cannot read " + file + "; check the path");
        var text = Files.readString(file);
        try (var app = App.open(config)) {
            var report = app.policyService().importBlocklist(text, args.flags().contains("--dry-run"), CLI_ADMIN);
            io.out()
                    .printf(
                            "%s: %d block(s) added, %d changed; %d follow(s) severed, %d member(s) affected%n",
                            report.applied() ? "imported" : "dry run, nothing applied",
                            report.added().size(),
                            report.changed().size(),
                            report.followsSevered(),
                            report.membersAffected());
            for (var d : report.added()) io.out().println("  + " + d);
            for (var d : report.changed()) io.out().println("  ~ " + d);
        }
        return OK;
    }

    private static int exportDomains(CommandSpec.Parsed args, Config config, Io io) {
        var format = switch (orEmpty(args.value("--format")).isEmpty() ? "csv" : args.value("--format")) {
            case "csv" -> Blocklist.Format.CSV;
            case "plain" -> Blocklist.Format.PLAIN;
            default -> throw new UsageException("--format is csv or plain");
        };
        try (var app = App.open(config)) {
            io.out().print(Blocklist.export(app.policyService().list(), format, false));
        }
        return OK;
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    /** The whole of standard input less one trailing line break, so `echo pw |` and a file both work. */
    private static String readPassword(InputStream in) throws IOException {
        var text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        if (text.endsWith("\r\n")) return text.substring(0, text.length() - 2);
        if (text.endsWith("\n")) return text.substring(0, text.length() - 1);
        return text;
    }
}
