package app.kindred.federation.inbound;

import app.kindred.activitypub.Ref;
import app.kindred.actor.Actor;
import app.kindred.report.ReportIntake;
import java.net.URI;
import java.util.Optional;

/**
 * Flag, in every form we know: Mastodon's (the instance actor, object = [account, statuses...], text
 * in content), Lemmy's (a person, one post, text in summary, to the community) and Mbin's (both
 * texts, possibly announced by the magazine). Nothing is fetched: a report only asks for a look.
 */
final class FlagHandler implements ActivityHandler {
    private final FederationContext f;
    private final ReportIntake intake;

    FlagHandler(FederationContext f, ReportIntake intake) {
        this.f = f;
        this.intake = intake;
    }

    @Override
    public Effect handle(Incoming in, Actor sender, Optional<Actor> viaGroup) throws Rejected {
        var flag = in.activity();
        refuseIfBlocked(f, sender);
        if (viaGroup.isPresent()) refuseIfBlocked(f, viaGroup.get());
        var objects = flag.objects().stream()
                .map(Ref::uri)
                .filter(u -> u != null && !u.isBlank())
                .map(URI::create)
                .toList();
        var text = flag.content() != null && !flag.content().isBlank() ? flag.content() : flag.summary();
        var incoming = new ReportIntake.Flag(
                flag.id(), sender, objects, text, in.json().toString(), viaGroup.orElse(null));
        return c -> {
            if (intake.receive(c, incoming) instanceof ReportIntake.Outcome.Refused r) throw new Rejected(r.reason());
        };
    }

    /** A domain block's reject_reports: the instance will not hear reports from there. */
    static void refuseIfBlocked(FederationContext f, Actor sender) throws Rejected {
        if (f.policy().decide(sender.uri()).rejectReports()) {
            throw new Rejected("reports from " + sender.uri().getRawAuthority() + " are refused by a domain block");
        }
    }
}
