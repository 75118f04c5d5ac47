package app.kindred.web.pages;

import app.kindred.care.Boundaries;
import app.kindred.care.Breaks;
import app.kindred.care.Shown;
import app.kindred.thread.Discussions.Entry;
import app.kindred.web.pages.CareViews.BreakGreeting;
import app.kindred.web.pages.Views.CommunityCard;
import app.kindred.web.pages.Views.Crumb;
import app.kindred.web.pages.Views.PostCard;
import io.javalin.http.Context;

/**
 * What the thread and community pages keep from the member who reads them (issue 18): posts of
 * members they block or who block them collapse, muted members' posts are left out, and during a
 * break the pages greet them instead. The rules are the care feature's ({@link Shown}); this applies them.
 */
public final class Distance {
    private static final String SHOWN = "kindred.shown";

    private final Site site;
    private final Boundaries boundaries;
    private final Breaks breaks;

    public Distance(Site site, Boundaries boundaries, Breaks breaks) {
        this.site = site;
        this.boundaries = boundaries;
        this.breaks = breaks;
    }

    /** The reader's distance, read once per request; everything for a visitor who is not signed in. */
    public Shown shown(Context ctx) {
        Shown shown = ctx.attribute(SHOWN);
        if (shown == null) {
            shown = site.sessions().member(ctx).map(boundaries::shownTo).orElse(Shown.EVERYTHING);
            ctx.attribute(SHOWN, shown);
        }
        return shown;
    }

    /** A post as this reader sees it: collapsed when its author is blocked either way or muted, else as it is. */
    static PostCard shownAs(Shown shown, Entry entry, PostCard card) {
        if (card.gone()) return card;
        return shown.collapses(entry.post().authorId()).map(card::collapsedAs).orElse(card);
    }

    /**
     * During a break from this community or the whole instance, answers with the greeting (a short
     * note and one button to leave the break) and returns true; otherwise does nothing.
     */
    public boolean greetOnBreak(Context ctx, long communityId, CommunityCard community) {
        var member = site.sessions().member(ctx);
        if (member.isEmpty()) return false;
        var away = breaks.from(member.get(), communityId);
        if (away.isEmpty()) return false;
        var m = site.messages(ctx);
        var back = ctx.queryString() == null ? ctx.path() : ctx.path() + "?" + ctx.queryString();
        site.send(
                ctx,
                "care/break.jte",
                site.chrome(
                        ctx,
                        m.t("care.break.title"),
                        community.sensitive(),
                        new Crumb(community.title(), community.href())),
                new BreakGreeting(community, away.get(), Site.localPath(back)));
        return true;
    }
}
