package app.kindred.web.pages;

import app.kindred.community.Rule;
import app.kindred.web.pages.Views.CommunityCard;
import app.kindred.web.pages.Views.Form;
import app.kindred.web.pages.Views.Moderator;
import app.kindred.web.pages.Views.PostCard;
import java.time.Instant;
import java.util.List;

/**
 * The records of a member's own pages: notifications, search, home feeds, remote communities and
 * the settings hub. Kept apart from {@link Views} so these pages change without touching the others.
 */
public final class HomeViews {
    private HomeViews() {}

    /**
     * One notification as the list shows it. {@code href} is where it leads (the post, or the
     * member's reports); {@code fresh} whether it was unread until this page showed it.
     */
    public record NotificationItem(
            long id,
            String kind,
            Instant created,
            boolean fresh,
            String from,
            String warning,
            String excerpt,
            boolean postGone,
            String outcome,
            String href) {}

    /** {@code older} the id to page on from (null: no older notifications). */
    public record NotificationsPage(List<NotificationItem> items, Long older, boolean paged) {}

    /**
     * A thread in a list that spans communities. {@code collapsed} says why its author is kept from
     * the reader ("blocked"), with nothing of the post shown; null when it is shown.
     */
    public record FeedItem(PostCard post, String communityTitle, String communityHref, String collapsed) {}

    /**
     * A home feed. {@code scope} is subscribed, local or all; {@code onBreak} that the reader is
     * taking a break from the whole instance, so nothing is listed.
     */
    public record FeedPage(
            String scope, String sort, int page, boolean hasNext, List<FeedItem> items, boolean onBreak) {}

    /**
     * Search: {@code q} as typed, the problem with it (in {@code form}), communities and posts found;
     * {@code address} whether q is a handle or URL, {@code found} where it leads when this instance
     * knows it, {@code mayLookUp} that a signed-in member can ask its server.
     */
    public record SearchPage(
            String q,
            Form form,
            List<CommunityCard> communities,
            List<FeedItem> posts,
            int page,
            boolean hasNext,
            boolean address,
            String foundHref,
            String foundTitle,
            boolean mayLookUp) {
        public boolean searched() {
            return !q.isBlank() && !form.hasErrors();
        }

        /** The query as it goes into a link to another page of results. */
        public String qParam() {
            return Site.encode(q);
        }
    }

    /**
     * A community on another server, as this instance knows it. {@code path} is its page here
     * (/r/name@host); {@code state} the reader's follow: "none", "pending" or "accepted".
     */
    public record RemoteCommunityPage(
            CommunityCard community,
            String path,
            String origin,
            String address,
            List<Rule> rules,
            List<Moderator> moderators,
            List<FeedItem> threads,
            String sort,
            int page,
            boolean hasNext,
            String state,
            boolean signedIn,
            List<String> applicationQuestions) {}

    /** One of the member's live sessions, as the settings list them. */
    public record SessionRow(long id, Instant started, Instant lastUsed, Instant expires, boolean current) {}

    /** The settings hub: the password form, the sessions, and the content-warning choice. */
    public record SettingsPage(Form password, List<SessionRow> sessions, boolean warningsOpen) {}
}
