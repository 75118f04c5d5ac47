package app.kindred.federation.inbound;

import app.kindred.actor.Actor;
import app.kindred.report.ReportIntake;
import java.util.Optional;

/** Lemmy's Resolve{Flag}: a report we sent, or one our community holds, was handled. */
final class ResolveHandler implements ActivityHandler {
    private final FederationContext f;
    private final ReportIntake intake;

    ResolveHandler(FederationContext f, ReportIntake intake) {
        this.f = f;
        this.intake = intake;
    }

    @Override
    public Effect handle(Incoming in, Actor resolver, Optional<Actor> viaGroup) throws Rejected {
        var resolve = in.activity();
        FlagHandler.refuseIfBlocked(f, resolver);
        var flagId = resolve.object().uri();
        if (flagId == null || flagId.isBlank()) throw new Rejected("Resolve names no Flag");
        return c -> {
            if (intake.resolved(c, flagId, resolver) instanceof ReportIntake.Outcome.Refused r)
                throw new Rejected(r.reason());
        };
    }
}
