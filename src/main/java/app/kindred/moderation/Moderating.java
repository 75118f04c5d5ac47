package app.kindred.moderation;

import app.kindred.actor.Actor;
import app.kindred.community.Community;
import app.kindred.community.CommunityStore;
import app.kindred.community.Moderators;
import app.kindred.community.Participant;
import app.kindred.moderation.ModerationLog.Action;
import app.kindred.refusal.Refusal;
import app.kindred.thread.Post;
import app.kindred.thread.PostStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;

/**
 * What a moderator may do and what it changes, written once for both doors: {@link ModerationService}
 * for our members and the inbound moderation handler for remote moderators call these inside the
 * transaction that holds the community's lock. Each checks who acts ({@link Moderators}) and the
 * rule for the act, refuses with a {@link Refusal}, else changes the community and logs it; each
 * returns whether anything changed, so the door sends (publishes or relays) only then.
 */
public final class Moderating {
    /** A community's guidelines at most: refused past it from a member, clipped from another server's Group. */
    public static final int MAX_GUIDELINES = 30;

    private final CommunityStore communities;
    private final PostStore posts;
    private final Moderators moderators;

    public Moderating(CommunityStore communities, PostStore posts) {
        this.communities = communities;
        this.posts = posts;
        this.moderators = new Moderators(communities);
    }

    public boolean moderates(Connection c, Community community, Participant who) throws SQLException {
        return moderators.moderates(c, community, who);
    }

    /** Refuses anyone who does not moderate the community. */
    public void authorise(Connection c, Community community, Participant who) throws SQLException {
        moderators.require(c, community, who);
    }

    /** A removal (Lemmy's: a Delete by someone who is not the author); a post its author deleted is not removed. */
    public boolean remove(Connection c, Community community, Post post, Participant by, String reason)
            throws SQLException {
        authorise(c, community, by);
        if (post.deleted()) throw Refusal.conflict("post", "its author deleted that post (" + post.uri() + ")");
        if (post.removed()) return false;
        posts.setRemoved(c, post.id(), true, reason);
        ModerationLog.record(
                c, community.id(), by.id(), Action.REMOVE_POST, post.uri().toString(), reason, null);
        return true;
    }

    /**
     * A moderator lets a held post through, optionally with a warning of the community's own. A post
     * that is not held was approved already (false); a removed or deleted one is not brought back.
     */
    public boolean approve(Connection c, Community community, Post post, Participant by, String warning)
            throws SQLException {
        authorise(c, community, by);
        if (!community.actor().local())
            throw Refusal.conflict("post", "posts in " + community.actor().uri() + " are approved at its home");
        if (post.deleted()) throw Refusal.conflict("post", "its author deleted that post (" + post.uri() + ")");
        if (post.removed()) throw Refusal.conflict("post", "that post was removed; restore it instead");
        if (!post.held()) return false;
        posts.approve(c, post.id(), warning);
        ModerationLog.record(
                c,
                community.id(),
                by.id(),
                Action.APPROVE_POST,
                post.uri().toString(),
                warning == null ? "" : warning,
                null);
        return true;
    }

    /** Locking or pinning would tell the fediverse about a post it has never been sent. */
    private static void refuseHeld(Post post) {
        if (post.held())
            throw Refusal.conflict(
                    "post", "that post is waiting for a moderator; approve it first (" + post.uri() + ")");
    }

    public boolean restore(Connection c, Community community, Post post, Participant by, String reason)
            throws SQLException {
        authorise(c, community, by);
        if (!post.removed()) return false;
        posts.setRemoved(c, post.id(), false, null);
        ModerationLog.record(
                c, community.id(), by.id(), Action.RESTORE_POST, post.uri().toString(), reason, null);
        return true;
    }

    public boolean lock(Connection c, Community community, Post post, Participant by, String reason, boolean locked)
            throws SQLException {
        authorise(c, community, by);
        if (!post.isThread()) throw Refusal.invalid("post", post.uri() + " is a comment; only threads are locked");
        refuseHeld(post);
        if (post.locked() == locked) return false;
        posts.setLocked(c, post.id(), locked);
        ModerationLog.record(
                c,
                community.id(),
                by.id(),
                locked ? Action.LOCK_THREAD : Action.UNLOCK_THREAD,
                post.uri().toString(),
                reason,
                null);
        return true;
    }

    /** Pins a thread at the top of its community (Lemmy's "feature in community") or unpins it. */
    public boolean pin(Connection c, Community community, Post post, Participant by, String reason, boolean pinned)
            throws SQLException {
        authorise(c, community, by);
        refuseHeld(post);
        if (post.communityId() != community.id()) {
            throw Refusal.invalid(
                    "post",
                    post.uri() + " is not a thread of " + community.actor().uri() + ", so it cannot be pinned there");
        }
        if (!post.isThread()) throw Refusal.invalid("post", post.uri() + " is a comment; only threads are pinned");
        if (post.pinned() == pinned) return false;
        if (pinned && post.deleted())
            throw Refusal.conflict("post", "its author deleted that thread (" + post.uri() + ")");
        posts.setPinned(c, post.id(), pinned);
        ModerationLog.record(
                c,
                community.id(),
                by.id(),
                pinned ? Action.PIN_THREAD : Action.UNPIN_THREAD,
                post.uri().toString(),
                reason,
                null);
        return true;
    }

    /**
     * A ban, which ends the banned actor's follow; with removeData also their posts there. Nobody bans
     * one of the community's moderators: they are removed as moderator first. A ban's end is in the future.
     */
    public void ban(
            Connection c,
            Community community,
            Actor banned,
            Participant by,
            String reason,
            Instant expires,
            boolean removeData)
            throws SQLException {
        authorise(c, community, by);
        if (expires != null && expires.isBefore(Instant.now()))
            throw Refusal.invalid("expires", "a ban's end must be in the future");
        if (by.decidedHere(community) && communities.isModerator(c, community.id(), banned.id())) {
            throw Refusal.conflict(
                    "actor",
                    banned.uri() + " moderates " + community.actor().uri() + "; remove them as moderator first");
        }
        CommunityBans.ban(c, community.id(), banned.id(), reason, expires);
        if (removeData) posts.removeAllBy(c, community.id(), banned.id(), reason);
        ModerationLog.record(
                c, community.id(), by.id(), Action.BAN, banned.uri().toString(), reason, expires);
    }

    /** Whether there was a ban to lift. */
    public boolean unban(Connection c, Community community, Actor banned, Participant by, String reason)
            throws SQLException {
        authorise(c, community, by);
        if (!CommunityBans.unban(c, community.id(), banned.id())) return false;
        ModerationLog.record(
                c, community.id(), by.id(), Action.UNBAN, banned.uri().toString(), reason, null);
        return true;
    }

    /** Someone banned is not made a moderator; the ban is lifted first. */
    public boolean addModerator(Connection c, Community community, Actor added, Participant by) throws SQLException {
        authorise(c, community, by);
        if (communities.isModerator(c, community.id(), added.id())) return false;
        if (by.decidedHere(community) && communities.isBanned(c, community.id(), added.id())) {
            throw Refusal.conflict("actor", added.uri() + " is banned from this community; lift the ban first");
        }
        communities.addModerator(c, community.id(), added.id());
        ModerationLog.record(
                c, community.id(), by.id(), Action.ADD_MODERATOR, added.uri().toString(), "", null);
        return true;
    }

    /** A community keeps at least one moderator. */
    public boolean removeModerator(Connection c, Community community, Actor removed, Participant by)
            throws SQLException {
        authorise(c, community, by);
        if (!communities.isModerator(c, community.id(), removed.id())) return false;
        if (by.decidedHere(community)
                && communities.moderatorUris(c, community.id()).size() == 1) {
            throw Refusal.conflict(
                    "actor", community.actor().uri() + " keeps at least one moderator; add another first");
        }
        communities.removeModerator(c, community.id(), removed.id());
        ModerationLog.record(
                c,
                community.id(),
                by.id(),
                Action.REMOVE_MODERATOR,
                removed.uri().toString(),
                "",
                null);
        return true;
    }

    /**
     * Who may edit a community's settings and guidelines, and within which limits: its moderators (and
     * our admins), at its home (a remote community is edited there).
     */
    public void checkEdit(Connection c, Community community, Participant by, String title, String description)
            throws SQLException {
        checkSettings(title, description);
        authorise(c, community, by);
        if (!community.actor().local()) {
            throw Refusal.conflict(
                    "community",
                    community.title() + " lives on " + community.actor().domain() + "; edit it there");
        }
    }

    /** A title is 1 to 100 characters, a description at most 10,000; null leaves it as it is. */
    public static void checkSettings(String title, String description) {
        if (title != null && (title.isBlank() || title.strip().length() > ModerationService.MAX_TITLE)) {
            throw Refusal.invalid(
                    "title", "a community's title is 1 to " + ModerationService.MAX_TITLE + " characters");
        }
        if (description != null && description.length() > ModerationService.MAX_DESCRIPTION) {
            throw Refusal.invalid(
                    "description",
                    "a community's description is at most " + ModerationService.MAX_DESCRIPTION + " characters");
        }
    }
}
