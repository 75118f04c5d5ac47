package app.kindred.web.pages;

import app.kindred.community.Community;
import app.kindred.community.CommunityService;
import app.kindred.media.MediaService;
import app.kindred.media.MediaStore;
import app.kindred.moderation.ModerationService;
import app.kindred.web.pages.ComposerImages.Picture;
import app.kindred.web.pages.Views.Crumb;
import app.kindred.web.pages.Views.FieldError;
import app.kindred.web.pages.Views.Form;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.Map;

/** A member's own picture (avatar), and a community's icon and banner for its moderators, as plain forms. */
public final class PicturePages {
    /** The avatar form's page. */
    public record AvatarPage(String current, String memberHref, Form form) {}

    /** The community pictures form's page. */
    public record CommunityPicturesPage(
            String communityTitle, String action, String icon, String banner, String back, Form form) {}

    private final Site site;
    private final MediaService media;
    private final ComposerImages images;
    private final CommunityService communities;
    private final ModerationService moderation;

    public PicturePages(
            Site site,
            MediaService media,
            ComposerImages images,
            CommunityService communities,
            ModerationService moderation) {
        this.site = site;
        this.media = media;
        this.images = images;
        this.communities = communities;
        this.moderation = moderation;
    }

    public void register(RoutesConfig routes) {
        routes.get("/settings/avatar", ctx -> avatar(ctx, 200, Form.empty()));
        routes.post("/settings/avatar", this::saveAvatar);
        routes.get("/c/{name}/pictures", ctx -> pictures(ctx, 200, moderated(ctx), Form.empty()));
        routes.post("/c/{name}/pictures", this::savePictures);
    }

    private void avatar(Context ctx, int status, Form form) {
        var member = site.member(ctx);
        var m = site.messages(ctx);
        var title = m.t("avatar.title");
        site.send(
                ctx,
                status,
                "avatar.jte",
                site.chrome(
                        ctx,
                        title,
                        new Crumb(member.username(), "/u/" + member.username()),
                        new Crumb(title, "/settings/avatar")),
                new AvatarPage(media.pictures(member.actor().id()).icon(), "/u/" + member.username(), form));
    }

    private void saveAvatar(Context ctx) {
        var member = site.member(ctx);
        var m = site.messages(ctx);
        if (!images.prepare(ctx)) {
            avatar(ctx, 413, Form.empty().with(new FieldError("avatar", m.t("images.tooMuch"))));
            return;
        }
        if (!site.sessions().csrfValid(ctx)) {
            avatar(ctx, 403, Form.empty().with(new FieldError(null, m.t("error.csrf.form"))));
            return;
        }
        if (ctx.formParam("remove") != null) {
            media.setAvatar(member, null);
            Site.seeOther(ctx, "/u/" + member.username() + "?avatarRemoved=1");
            return;
        }
        switch (images.picture(ctx, member, "avatar", m)) {
            case Picture.NoneChosen none ->
                avatar(ctx, 422, Form.empty().with(new FieldError("avatar", m.t("avatar.missing"))));
            case Picture.Refused refused -> avatar(ctx, 422, Form.empty().with(refused.error()));
            case Picture.Taken taken -> {
                media.setAvatar(member, taken.media().id());
                Site.seeOther(ctx, "/u/" + member.username() + "?avatarSaved=1");
            }
        }
    }

    private void pictures(Context ctx, int status, Community community, Form form) {
        var m = site.messages(ctx);
        var title = m.t("pictures.title", community.title());
        var href = "/c/" + community.name();
        var current = media.pictures(community.actor().id());
        site.send(
                ctx,
                status,
                "pictures.jte",
                site.chrome(
                        ctx,
                        title,
                        community.sensitive(),
                        new Crumb(community.title(), href),
                        new Crumb(title, href + "/pictures")),
                new CommunityPicturesPage(
                        community.title(), href + "/pictures", current.icon(), current.image(), href, form));
    }

    private void savePictures(Context ctx) {
        var community = moderated(ctx);
        var member = site.member(ctx);
        var m = site.messages(ctx);
        if (!images.prepare(ctx)) {
            pictures(ctx, 413, community, Form.empty().with(new FieldError("icon", m.t("images.tooMuch"))));
            return;
        }
        if (!site.sessions().csrfValid(ctx)) {
            pictures(ctx, 403, community, Form.empty().with(new FieldError(null, m.t("error.csrf.form"))));
            return;
        }
        var errors = new ArrayList<FieldError>();
        var chosen = new ArrayList<Map.Entry<MediaStore.Slot, Long>>();
        for (var slot : MediaStore.Slot.values()) {
            var field = slot == MediaStore.Slot.ICON ? "icon" : "banner";
            switch (images.picture(ctx, member, field, m)) {
                case Picture.NoneChosen none -> {}
                case Picture.Refused refused -> errors.add(refused.error());
                case Picture.Taken taken ->
                    chosen.add(Map.entry(slot, taken.media().id()));
            }
        }
        if (!errors.isEmpty()) {
            pictures(ctx, 422, community, new Form(Map.of(), errors));
            return;
        }
        for (var c : chosen) media.setCommunityPicture(member, community.id(), c.getKey(), c.getValue());
        // The edit with nothing else changed sends Update{Group}, which carries the new pictures to followers.
        if (!chosen.isEmpty())
            moderation.edit(member, community.id(), new ModerationService.Settings(null, null, null, null));
        Site.seeOther(ctx, "/c/" + community.name() + "?picturesSaved=1");
    }

    /** A local community the signed-in member moderates. */
    private Community moderated(Context ctx) {
        return CommunitySettingsPages.moderated(ctx, site, communities, moderation);
    }
}
