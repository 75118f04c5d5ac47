package app.kindred.web.pages;

import app.kindred.actor.Actor;
import app.kindred.care.Care;
import app.kindred.community.Community;
import app.kindred.community.CommunityService;
import app.kindred.follow.FollowService;
import app.kindred.media.MediaService;
import app.kindred.refusal.Refusal;
import app.kindred.thread.Discussions;
import app.kindred.thread.PostStore;
import app.kindred.thread.ThreadService;
import app.kindred.web.pages.Views.CommunityCard;
import app.kindred.web.pages.Views.CommunityPage;
import app.kindred.web.pages.Views.ComposePage;
import app.kindred.web.pages.Views.Crumb;
import app.kindred.web.pages.Views.FieldError;
import app.kindred.web.pages.Views.Form;
import app.kindred.web.pages.Views.Moderator;
import app.kindred.web.pages.Views.PostCard;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A local community's page, following it, and starting a thread in it. */
public final class CommunityPages {
    private final MediaService media;
    private final ComposerImages images;
    static final int PER_PAGE = 20;
    private static final Map<String, String> DRAFT_FIELDS = Map.of("content_warning", "content_warning");

    private final Site site;
    private final CommunityService communities;
    private final FollowService follows;
    private final ThreadService threads;
    private final Discussions discussions;
    private final Distance distance;
    private final Care care;

    public CommunityPages(
            Site site,
            CommunityService communities,
            FollowService follows,
            ThreadService threads,
            Discussions discussions,
            MediaService media,
            Distance distance,
            Care care,
            ComposerImages images) {
        this.media = media;
        this.distance = distance;
        this.care = care;
        this.images = images;
        this.site = site;
        this.communities = communities;
        this.follows = follows;
        this.threads = threads;
        this.discussions = discussions;
    }

    public void register(RoutesConfig routes) {
        routes.post("/c/{name}/follow", ctx -> follow(ctx, true));
        routes.post("/c/{name}/unfollow", ctx -> follow(ctx, false));
        routes.get("/c/{name}/new", ctx -> {
            var community = local(ctx);
            site.member(ctx);
            compose(ctx, 200, community, Form.empty(), null, ComposerImages.empty());
        });
        routes.post("/c/{name}/new", this::startThread);
    }

    /** GET /c/{name} for a browser (ActivityPub clients get the Group from the same address). */
    public void show(Context ctx) {
        if (site.answeredForSignedOut(ctx)) return;
        var community = local(ctx);
        var card = card(community);
        // A break from this community (or the whole instance) greets the member instead of its threads.
        if (distance.greetOnBreak(ctx, community.id(), card)) return;
        var shown = distance.shown(ctx);
        var sort = sort(ctx.queryParam("sort"));
        int page = Site.page(ctx);
        var viewer = site.sessions().member(ctx);
        var viewerActor = viewer.map(v -> v.actor().id()).orElse(null);
        // Issue 14: each read kept while nothing readable changed; the listing per reader (their votes, private rules).
        var kept = site.kept();
        var pictures = kept.get(
                () -> media.pictures(community.actor().id()),
                "pictures",
                community.actor().id());
        // Threads by members blocked either way or muted are left out of the listing (Shown.listsIn), as in the API.
        // The listing as this reader sees it, cards made, is kept while nothing readable changed (issue 14): it is
        // read by the supplier, and the reader's distance is in the key by value.
        var listing = site.keptDiscussions()
                .get(
                        () -> {
                            var list = discussions.threads(
                                    community.id(), sort, PER_PAGE + 1, (page - 1) * PER_PAGE, viewerActor);
                            var postMedia = new PostMedia(media);
                            var cards = list.stream()
                                    .limit(PER_PAGE)
                                    .filter(e -> shown.listsIn(
                                                    community.id(), e.post().authorId())
                                            && !Distance.filteredOut(shown, e))
                                    .map(e -> Distance.filtered(shown, e, Cards.post(e, viewerActor, null, postMedia)))
                                    .toList();
                            return new Listing(cards, list.size() > PER_PAGE);
                        },
                        "listing",
                        community.id(),
                        sort,
                        page,
                        viewerActor,
                        shown);
        var moderators = kept.get(() -> communities.moderators(community.id()), "moderators", community.id());
        boolean following = viewer.isPresent()
                && kept.get(
                        () -> follows.subscriptions(viewer.get()).stream()
                                .anyMatch(s -> s.community().id() == community.id()),
                        "following",
                        viewer.get().id(),
                        community.id());
        boolean mayStart = viewer.isPresent()
                && (!community.postingRestrictedToMods() || moderators.stream().anyMatch(a -> a.id() == viewerActor));
        site.send(
                ctx,
                "community.jte",
                site.chrome(ctx, community.title(), community.sensitive(), new Crumb(community.title(), card.href())),
                new CommunityPage(
                        card,
                        community.actor().uri().toString(),
                        kept.get(() -> communities.rules(community.id()), "rules", community.id()),
                        moderators.stream().map(CommunityPages::moderator).toList(),
                        listing.cards(),
                        sort.name().toLowerCase(Locale.ROOT),
                        page,
                        listing.more(),
                        following,
                        viewer.isPresent(),
                        mayStart,
                        pictures.icon(),
                        pictures.image(),
                        kept.get(() -> communities.privacy(community.id()).isPrivate(), "private", community.id())));
    }

    /** One page of a community's threads as one reader sees them; {@code more}: a later page exists. */
    private record Listing(List<PostCard> cards, boolean more) {}

    private void follow(Context ctx, boolean follow) {
        var community = local(ctx);
        var member = site.member(ctx);
        if (site.refuseWithoutToken(ctx)) return;
        try {
            if (follow) follows.follow(member, community.name());
            else follows.unfollow(member, community.id());
        } catch (Refusal r) {
            // Following twice or leaving what one never followed: the page already shows the state wanted.
            if (r.kind() != Refusal.Kind.NOT_FOUND && r.kind() != Refusal.Kind.CONFLICT) throw r;
        }
        Site.seeOther(ctx, "/c/" + community.name() + "?" + (follow ? "followed=1" : "left=1"));
    }

    private void startThread(Context ctx) {
        var community = local(ctx);
        var member = site.member(ctx);
        var m = site.messages(ctx);
        if (!images.prepare(ctx)) {
            compose(
                    ctx,
                    413,
                    community,
                    Form.empty().with(new FieldError(null, m.t("images.tooMuch"))),
                    null,
                    ComposerImages.empty());
            return;
        }
        var values = Site.fields(ctx, "title", "body", "content_warning", "language", "anonymous");
        values.putAll(Site.fields(ctx, ComposerImages.altFields()));
        if (!site.sessions().csrfValid(ctx)) {
            compose(
                    ctx,
                    403,
                    community,
                    Form.of(values).with(new FieldError(null, m.t("error.csrf.form"))),
                    null,
                    ComposerImages.empty());
            return;
        }
        // Files are taken in (cleaned, stored) first, so a later problem with the words does not lose them.
        var read = images.read(ctx, member, m);
        if (!read.errors().isEmpty()) {
            compose(ctx, 422, community, new Form(values, read.errors()), null, read.slots());
            return;
        }
        var draft = new ThreadService.Draft(
                values.get("title"), values.get("body"), values.get("content_warning"), null, values.get("language"));
        if (ctx.formParam("preview") != null) {
            compose(ctx, 200, community, Form.of(values), Composer.preview(values.get("body")), read.slots());
            return;
        }
        try {
            var post = threads.startThread(
                    member,
                    community.id(),
                    draft,
                    new ThreadService.Attachments(null, read.ids()),
                    "on".equals(values.get("anonymous")));
            Site.seeOther(ctx, "/p/" + post.id());
        } catch (Refusal r) {
            compose(ctx, status(r), community, Site.refused(values, r, DRAFT_FIELDS), null, read.slots());
        }
    }

    private void compose(
            Context ctx, int status, Community community, Form form, String preview, List<ComposerImages.Slot> slots) {
        var m = site.messages(ctx);
        var card = card(community);
        var heading = m.t("compose.thread.heading", community.title());
        site.send(
                ctx,
                status,
                "compose.jte",
                site.chrome(
                        ctx,
                        heading,
                        community.sensitive(),
                        new Crumb(community.title(), card.href()),
                        new Crumb(m.t("compose.thread.crumb"), card.href() + "/new")),
                new ComposePage(
                        "thread",
                        heading,
                        card.href() + "/new",
                        card,
                        communities.rules(community.id()),
                        null,
                        true,
                        form,
                        preview,
                        care.community(community.id()).policy(),
                        slots,
                        community.actor().local() && threads.anonymousPosting(community.id())));
    }

    static int status(Refusal r) {
        return switch (r.kind()) {
            case FORBIDDEN -> 403;
            case CONFLICT -> 409;
            case NOT_FOUND -> 404;
            default -> 422;
        };
    }

    private Community local(Context ctx) {
        var name = ctx.pathParam("name");
        return site.kept()
                .get(() -> communities.find(name), "community", name)
                .filter(c -> c.actor().local())
                .orElseThrow(() -> Refusal.notFound("there is no community " + name + " here"));
    }

    CommunityCard card(Community community) {
        return site.kept()
                .get(
                        () -> Cards.community(
                                communities.listing(community.id()).orElseThrow(), null),
                        "communityCard",
                        community.id());
    }

    private static Moderator moderator(Actor a) {
        return new Moderator(
                a.preferredUsername(),
                a.preferredUsername() + "@" + a.domain(),
                a.local() ? "/u/" + a.preferredUsername() : a.uri().toString());
    }

    private static PostStore.Sort sort(String raw) {
        if (raw == null) return PostStore.Sort.ACTIVE;
        try {
            return PostStore.Sort.valueOf(raw.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return PostStore.Sort.ACTIVE;
        }
    }
}
