package app.kindred.web.pages;

import app.kindred.media.MediaService;
import app.kindred.member.MemberService;
import app.kindred.refusal.Refusal;
import app.kindred.thread.Discussions;
import app.kindred.web.pages.Views.Crumb;
import app.kindred.web.pages.Views.MemberPage;
import app.kindred.web.pages.Views.PostCard;
import io.javalin.http.Context;
import java.util.List;

/** A local member's page: their name, when they joined, and what they wrote that is still up. */
public final class MemberPages {
    private final MediaService media;
    static final int PER_PAGE = 20;

    private final Site site;
    private final MemberService members;
    private final Discussions discussions;

    public MemberPages(Site site, MemberService members, Discussions discussions, MediaService media) {
        this.media = media;
        this.site = site;
        this.members = members;
        this.discussions = discussions;
    }

    /** GET /u/{name} for a browser (ActivityPub clients get the Person from the same address). */
    public void show(Context ctx) {
        var member = members.find(ctx.pathParam("name"))
                .orElseThrow(() -> Refusal.notFound("there is no member " + ctx.pathParam("name") + " here"));
        int page = Site.page(ctx);
        boolean suspended = members.suspended(member);
        var viewer = site.viewerActorId(ctx);
        var entries = discussions.byAuthor(member.actor().id(), PER_PAGE + 1, (page - 1) * PER_PAGE, viewer);
        var postMedia = new PostMedia(media);
        var posts = suspended
                ? List.<PostCard>of()
                : entries.stream()
                        .limit(PER_PAGE)
                        .map(e -> Cards.post(e, viewer, null, postMedia))
                        .toList();
        site.send(
                ctx,
                "member.jte",
                site.chrome(ctx, member.username(), new Crumb(member.username(), "/u/" + member.username())),
                new MemberPage(
                        member.username(),
                        member.username() + "@" + member.actor().domain(),
                        member.actor().uri().toString(),
                        member.createdAt(),
                        true,
                        posts,
                        page,
                        entries.size() > PER_PAGE,
                        suspended ? null : postMedia.avatar(member.actor().id()),
                        suspended));
    }
}
