package app.kindred.api;

import app.kindred.care.Breaks;
import app.kindred.community.CommunityService;
import app.kindred.media.MediaService;
import app.kindred.member.Member;
import app.kindred.thread.VoteStore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** The JSON shapes of the client API, snake_case like the rest of the fediverse's client APIs. */
final class Views {
    private Views() {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record MemberView(String username, String handle, String role, String actorId) {
        static MemberView of(Member m) {
            return new MemberView(
                    m.username(),
                    m.username() + "@" + m.actor().domain(),
                    m.role().name().toLowerCase(Locale.ROOT),
                    m.actor().uri().toString());
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    /** @param deletionCancelled true when this sign-in cancelled the account's scheduled deletion */
    record TokenView(String token, Instant expiresAt, String username, boolean deletionCancelled) {
        @Override
        public String toString() {
            return "TokenView[token=***, expiresAt=" + expiresAt + ", username=" + username + "]";
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record CommunityView(
            long id,
            String name,
            String handle,
            String actorId,
            String title,
            String description,
            boolean local,
            boolean sensitive,
            Long followerCount,
            long threadCount,
            String icon,
            String banner,
            // Issue 17: whether members may post anonymously here (null where this server does not decide).
            Boolean anonymousPosting) {
        static CommunityView of(CommunityService.Listing l) {
            return of(l, null);
        }

        /** With the community's icon and banner, at addresses on this server. */
        static CommunityView of(CommunityService.Listing l, MediaService.Pictures pictures) {
            var c = l.community();
            // A remote community's count is only who follows it from here: on a small instance that names
            // people ("eating disorders: 1"), so it is shown to nobody. Our own communities' counts are public.
            return new CommunityView(
                    c.id(),
                    c.name(),
                    c.name() + "@" + c.actor().domain(),
                    c.actor().uri().toString(),
                    c.title(),
                    c.description(),
                    c.actor().local(),
                    c.sensitive(),
                    c.actor().local() ? l.followers() : null,
                    l.threads(),
                    pictures == null ? null : pictures.icon(),
                    pictures == null ? null : pictures.image(),
                    null);
        }

        /** The same community, saying whether it takes anonymous posts (only asked where it is shown alone). */
        CommunityView withAnonymousPosting(boolean allowed) {
            return new CommunityView(
                    id,
                    name,
                    handle,
                    actorId,
                    title,
                    description,
                    local,
                    sensitive,
                    followerCount,
                    threadCount,
                    icon,
                    banner,
                    // A remote community says so only when its Group advertises it (Kindred's anonymousPosting).
                    allowed ? Boolean.TRUE : local ? Boolean.FALSE : null);
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record ScoreView(long up, long down, long total) {
        static ScoreView of(VoteStore.Score s) {
            return new ScoreView(s.up(), s.down(), s.total());
        }
    }

    /**
     * A thread or a comment. Threads carry a comment count, comments their replies; a deleted post
     * is a tombstone that keeps its id, place and replies but no content or author; a post a moderator
     * removed shows the same way with the reason, its content kept for a restore.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record PostView(
            long id,
            String apId,
            long communityId,
            Long threadId,
            Long parentId,
            String author,
            String authorAvatar,
            String title,
            String html,
            String source,
            String contentWarning,
            boolean sensitive,
            String language,
            String url,
            String urlHost,
            List<ImageView> images,
            String thumbnail,
            ScoreView score,
            Long commentCount,
            Instant created,
            Instant updated,
            boolean deleted,
            boolean removed,
            String removalReason,
            boolean locked,
            boolean pinned,
            String collapsed,
            List<PostView> children,
            boolean held,
            String heldReason,
            String communityWarning,
            // Issue 17: set on an anonymous post; {@code author} is then its pseudonym's handle.
            AnonymousView anonymous) {}

    /**
     * An anonymous post's author as the reader may know it: the pseudonym for everyone, {@code yours}
     * for its author, {@code writtenBy} only for the community's moderators and this instance's admins.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record AnonymousView(String pseudonym, boolean yours, String writtenBy) {}

    /** An image of a post, at an address on this server (remote images through the proxy); sizes when known. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record ImageView(String url, String alt, Integer width, Integer height) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record MediaView(long id, String url, int width, int height, String alt) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record ThreadPage(PostView thread, List<PostView> comments) {}

    /** @param onBreak the break that keeps this community's threads from the signed-in member, or null */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ThreadList(String sort, int page, int perPage, List<PostView> threads, BreakView onBreak) {}

    /** A break the member is taking: from one community, or the whole instance when community_id is null. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record BreakView(
            long id, Long communityId, String community, String communityTitle, Instant started, Instant ends) {
        static BreakView of(Breaks.Break b) {
            return new BreakView(
                    b.id(), b.communityId(), b.communityHandle(), b.communityTitle(), b.startedAt(), b.endsAt());
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record SubscriptionView(CommunityView community, String state) {}
}
