package app.kindred.web.pages;

import app.kindred.care.Boundaries;
import app.kindred.care.Breaks;
import app.kindred.care.MemberFilter;
import app.kindred.care.Shown;
import app.kindred.content.HtmlSanitizer;
import app.kindred.thread.Discussions.Entry;
import app.kindred.web.pages.CareViews.BreakGreeting;
import app.kindred.web.pages.Views.CommunityCard;
import app.kindred.web.pages.Views.Crumb;
import app.kindred.web.pages.Views.PostCard;
import io.javalin.http.Context;
import java.util.Optional;

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
            shown = site.sessions()
                    .member(ctx)
                    .map(m -> site.kept().get(() -> boundaries.shownTo(m), "shown", m.id()))
                    .orElse(Shown.EVERYTHING);
            ctx.attribute(SHOWN, shown);
        }
        return shown;
    }

    /**
     * A post as this reader sees it: collapsed when its author is blocked either way or muted, or a hiding
     * filter of theirs matches it; behind a warning naming the filter when a collapsing one does; else as it is.
     */
    static PostCard shownAs(Shown shown, Entry entry, PostCard card) {
        if (card.gone()) return card;
        var kept = shown.collapses(entry.post().authorId());
        if (kept.isPresent()) return card.collapsedAs(kept.get());
        return filtered(shown, entry, card);
    }

    /** The reader's own filters (issue 16): a hiding one collapses the post, a collapsing one puts it behind a warning. */
    static PostCard filtered(Shown shown, Entry entry, PostCard card) {
        if (card.gone()) return card;
        var filter = filter(shown, entry);
        if (filter.isEmpty()) return card;
        if (filter.get().action() == MemberFilter.Action.HIDE) return card.collapsedAs("filtered");
        var warning = card.warning() == null
                ? "Filtered: " + filter.get().title()
                : card.warning() + "; filtered: " + filter.get().title();
        return card.behindWarning(warning);
    }

    /** Whether one of the reader's hiding filters keeps this post out of a listing. */
    static boolean filteredOut(Shown shown, Entry entry) {
        return filter(shown, entry)
                .filter(f -> f.action() == MemberFilter.Action.HIDE)
                .isPresent();
    }

    private static Optional<MemberFilter> filter(Shown shown, Entry entry) {
        if (shown.filters().isEmpty()) return Optional.empty();
        var post = entry.post();
        return shown.filter(post.title(), HtmlSanitizer.toText(post.contentHtml()), post.summary());
    }

    /**
     * During a break from this community or the whole instance, answers with the greeting (a short
     * note and one button to leave the break) and returns true; otherwise does nothing.
     */
    public boolean greetOnBreak(Context ctx, long communityId, CommunityCard community) {
        var member = site.sessions().member(ctx);
        if (member.isEmpty()) return false;
        var away = site.kept()
                .get(
                        () -> breaks.from(member.get(), communityId),
                        "break",
                        member.get().id(),
                        communityId);
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
