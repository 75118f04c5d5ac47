package app.kindred.moderation;

import app.kindred.actor.Actor;
import app.kindred.actor.ActorResolver;
import app.kindred.actor.ActorStore;
import app.kindred.actor.ActorType;
import app.kindred.care.CommunityCare;
import app.kindred.care.CrisisResource;
import app.kindred.care.HoldPosts;
import app.kindred.care.WarningPolicy;
import app.kindred.community.Community;
import app.kindred.community.CommunityStore;
import app.kindred.community.Membership;
import app.kindred.community.Participant;
import app.kindred.community.Rule;
import app.kindred.member.Member;
import app.kindred.member.Role;
import app.kindred.moderation.ModerationLog.Action;
import app.kindred.notification.Notifications;
import app.kindred.policy.CommunityBlocks;
import app.kindred.refusal.Refusal;
import app.kindred.remote.FetchException;
import app.kindred.storage.Database;
import app.kindred.storage.Sql;
import app.kindred.thread.Anonymity;
import app.kindred.thread.Post;
import app.kindred.thread.PostStore;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What moderators do in a community: guidelines, who moderates, removing and restoring posts,
 * locking and pinning threads, banning members, and the community's own settings. Moderators of a community
 * (local or remote actors) and, in our own communities, instance admins may act; anyone else is
 * refused with nothing changed. Each action is logged and told to the fediverse.
 */
public final class ModerationService {
    static final int MAX_RULES = Moderating.MAX_GUIDELINES,
            MAX_RULE_TITLE = 200,
            MAX_RULE_DESCRIPTION = 2_000,
            MAX_REASON = 1_000;
    /** A community's title and description, whoever edits them and from wherever. */
    public static final int MAX_TITLE = 100, MAX_DESCRIPTION = 10_000;

    private final Database db;
    private final ActorStore actors;
    private final CommunityStore communities;
    private final PostStore posts;
    private final ActorResolver remoteActors;
    private final ModerationEvents events;
    private final Moderating moderating;
    private final CommunityBlocks communityBlocks;
    private final MemberNotes notes;

    public ModerationService(
            Database db,
            ActorStore actors,
            CommunityStore communities,
            PostStore posts,
            ActorResolver remoteActors,
            ModerationEvents events) {
        this.db = db;
        this.actors = actors;
        this.communities = communities;
        this.posts = posts;
        this.remoteActors = remoteActors;
        this.events = events;
        this.moderating = new Moderating(communities, posts);
        this.communityBlocks = new CommunityBlocks(db);
        this.notes = new MemberNotes(db, actors, communities, moderating);
    }

    /** The moderators' private notes about members (issue 15). */
    public MemberNotes notes() {
        return notes;
    }

    /** The rules both doors ask: this service for our members, the inbound handlers for remote moderators. */
    public Moderating moderating() {
        return moderating;
    }

    // Guidelines

    public List<Rule> rules(long communityId) {
        return db.read(c -> communities.rules(c, community(c, communityId).id()));
    }

    /** A rule as a moderator writes it; numbers follow the list's order. */
    public record RuleDraft(String title, String description) {}

    public List<Rule> setRules(Member moderator, long communityId, List<RuleDraft> drafts) {
        if (drafts.size() > MAX_RULES)
            throw Refusal.invalid("rules", "a community has at most " + MAX_RULES + " guidelines");
        var rules = new ArrayList<Rule>();
        for (var d : drafts) {
            var title = d.title() == null ? "" : d.title().strip();
            var description = d.description() == null ? "" : d.description().strip();
            if (title.isEmpty() || title.length() > MAX_RULE_TITLE) {
                throw Refusal.invalid(
                        "rules", "rule " + (rules.size() + 1) + ": a title is 1 to " + MAX_RULE_TITLE + " characters");
            }
            if (description.length() > MAX_RULE_DESCRIPTION) {
                throw Refusal.invalid(
                        "rules",
                        "rule " + (rules.size() + 1) + ": a description is at most " + MAX_RULE_DESCRIPTION
                                + " characters");
            }
            rules.add(new Rule(rules.size() + 1, title, description));
        }
        return db.inCommunity(communityId, c -> {
            var community = community(c, communityId);
            moderating.checkEdit(c, community, Participant.member(moderator), null, null);
            communities.replaceRules(c, community.id(), rules);
            touch(c, community);
            ModerationLog.record(
                    c,
                    community.id(),
                    moderator.actor().id(),
                    Action.EDIT_GUIDELINES,
                    community.actor().uri().toString(),
                    "",
                    null);
            events.communityUpdated(c, community);
            return communities.rules(c, community.id());
        });
    }

    // The community's settings

    /** What a moderator may change; null leaves a setting as it is. */
    public record Settings(
            String title, String description, Boolean postingRestrictedToMods, Boolean showModeratorNames) {}

    public Community edit(Member moderator, long communityId, Settings s) {
        Moderating.checkSettings(s.title(), s.description());
        return db.inCommunity(communityId, c -> {
            var community = community(c, communityId);
            moderating.checkEdit(c, community, Participant.member(moderator), s.title(), s.description());
            communities.updateSettings(
                    c,
                    community,
                    s.title() == null ? null : s.title().strip(),
                    s.description() == null ? null : s.description().strip(),
                    s.postingRestrictedToMods(),
                    s.showModeratorNames());
            ModerationLog.record(
                    c,
                    community.id(),
                    moderator.actor().id(),
                    Action.EDIT_COMMUNITY,
                    community.actor().uri().toString(),
                    "",
                    null);
            var updated = communities.findById(c, community.id()).orElseThrow();
            events.communityUpdated(c, updated);
            return updated;
        });
    }

    /**
     * Marks the community sensitive (its posts open behind a warning everywhere) or not; the Group's
     * {@code sensitive} tells other servers. Apart from {@link #edit} so its record keeps its shape.
     */
    public Community markSensitive(Member moderator, long communityId, boolean sensitive) {
        return db.inCommunity(communityId, c -> {
            var community = community(c, communityId);
            moderating.checkEdit(c, community, Participant.member(moderator), null, null);
            if (community.sensitive() == sensitive) return community;
            communities.updateProfile(c, community.id(), null, null, sensitive, null);
            ModerationLog.record(
                    c,
                    community.id(),
                    moderator.actor().id(),
                    Action.EDIT_COMMUNITY,
                    community.actor().uri().toString(),
                    sensitive ? "marked sensitive" : "no longer marked sensitive",
                    null);
            var updated = communities.findById(c, community.id()).orElseThrow();
            events.communityUpdated(c, updated);
            return updated;
        });
    }

    /**
     * The community's care settings (issue 16): its content-warning policy, what waits for a
     * moderator and how many first posts of a member; null leaves one as it is. The policy goes out
     * on the Group, so other Kindred instances check their members' posts before sending.
     */
    public record CareSettings(WarningPolicy policy, HoldPosts hold, Integer holdFirstPosts) {}

    public Community editCare(Member moderator, long communityId, CareSettings s) {
        if (s.holdFirstPosts() != null && (s.holdFirstPosts() < 1 || s.holdFirstPosts() > 100))
            throw Refusal.invalid("hold_first_posts", "hold_first_posts must be 1 to 100");
        return db.inCommunity(communityId, c -> {
            var community = community(c, communityId);
            moderating.checkEdit(c, community, Participant.member(moderator), null, null);
            CommunityCare.update(c, community.id(), s.policy(), s.hold(), s.holdFirstPosts());
            ModerationLog.record(
                    c,
                    community.id(),
                    moderator.actor().id(),
                    Action.EDIT_COMMUNITY,
                    community.actor().uri().toString(),
                    "",
                    null);
            var updated = communities.findById(c, community.id()).orElseThrow();
            events.communityUpdated(c, updated);
            return updated;
        });
    }

    /**
     * A community's visibility and application questions (issue 17); null leaves each as it is. Turning
     * a private community public needs {@code confirmPublic}: it applies to new posts only, and what was
     * written while private stays for its members. The Group tells its followers (manuallyApprovesFollowers).
     */
    public record PrivacySettings(Boolean isPrivate, List<String> applicationQuestions, boolean confirmPublic) {}

    public Membership.Privacy editPrivacy(Member moderator, long communityId, PrivacySettings s) {
        var questions = s.applicationQuestions() == null ? null : Membership.checkQuestions(s.applicationQuestions());
        return db.inCommunity(communityId, c -> {
            var community = community(c, communityId);
            moderating.checkEdit(c, community, Participant.member(moderator), null, null);
            var before = Membership.privacy(c, community.id());
            if (before.isPrivate() && Boolean.FALSE.equals(s.isPrivate()) && !s.confirmPublic()) {
                throw Refusal.conflict(
                        "visibility",
                        "making " + community.title() + " public shows new posts to everyone; what was written while"
                                + " it was private stays for its members. Send confirm_public: true to go ahead");
            }
            Membership.save(c, community.id(), s.isPrivate(), questions);
            ModerationLog.record(
                    c,
                    community.id(),
                    moderator.actor().id(),
                    Action.EDIT_COMMUNITY,
                    community.actor().uri().toString(),
                    s.isPrivate() == null ? "application questions" : s.isPrivate() ? "private" : "public",
                    null);
            events.communityUpdated(c, communities.findById(c, community.id()).orElseThrow());
            return Membership.privacy(c, community.id());
        });
    }

    public Membership.Privacy privacy(long communityId) {
        return db.read(c -> Membership.privacy(c, community(c, communityId).id()));
    }

    /** The community's own crisis resources, published on its Group. */
    public void setCrisisResources(Member moderator, long communityId, List<CrisisResource> resources) {
        db.inCommunity(communityId, c -> {
            var community = community(c, communityId);
            moderating.checkEdit(c, community, Participant.member(moderator), null, null);
            CommunityCare.setResources(c, community.id(), resources);
            ModerationLog.record(
                    c,
                    community.id(),
                    moderator.actor().id(),
                    Action.EDIT_COMMUNITY,
                    community.actor().uri().toString(),
                    "crisis resources",
                    null);
            events.communityUpdated(c, communities.findById(c, community.id()).orElseThrow());
            return null;
        });
    }

    public CommunityCare care(long communityId) {
        return db.read(c -> CommunityCare.load(c, community(c, communityId).id()));
    }

    // Moderators

    public List<String> moderators(long communityId) {
        return db.read(c -> communities
                .moderatorUris(c, community(c, communityId).id())
                .stream()
                .map(Object::toString)
                .toList());
    }

    /** who: a local username, a handle (name@host) or an actor's URL. */
    public void addModerator(Member by, long communityId, String who) {
        var actor = person(who);
        db.inCommunity(communityId, c -> {
            var community = community(c, communityId);
            if (!moderating.addModerator(c, community, actor, Participant.member(by))) return null;
            events.moderatorChanged(c, by.actor(), actor, community, true);
            return null;
        });
    }

    public void removeModerator(Member by, long communityId, String who) {
        var actor = person(who);
        db.inCommunity(communityId, c -> {
            var community = community(c, communityId);
            // The API tells a member who named no moderator; the inbox takes a repeat as done.
            if (!moderating.removeModerator(c, community, actor, Participant.member(by))) {
                throw Refusal.notFound(actor.uri() + " is not a moderator of this community");
            }
            events.moderatorChanged(c, by.actor(), actor, community, false);
            return null;
        });
    }

    // Posts

    public Post remove(Member by, long postId, String reason) {
        checkReason(reason);
        return db.inCommunity(communityOfPost(postId), c -> {
            var post = post(c, postId);
            var community = community(c, post.communityId());
            if (!moderating.remove(c, community, post, Participant.member(by), reason)) return post;
            if (post.held()) {
                // Never sent anywhere, so nothing goes out now; our own member is told why.
                Notifications.declined(c, post.id());
            } else {
                events.removed(c, by.actor(), post, community, reason, false);
            }
            return posts.findById(c, post.id()).orElseThrow();
        });
    }

    /** The most a community-added warning may say, as an author's own. */
    public static final int MAX_COMMUNITY_WARNING = 200;

    /**
     * Lets a held post through: it is shown and announced as if it had just arrived, its author and
     * anyone it replies to or names told as they would have been.
     */
    public Post approve(Member by, long postId, String warning) {
        var added = warning == null || warning.isBlank() ? null : warning.strip();
        if (added != null && added.length() > MAX_COMMUNITY_WARNING)
            throw Refusal.invalid("content_warning", "a warning is at most " + MAX_COMMUNITY_WARNING + " characters");
        return db.inCommunity(communityOfPost(postId), c -> {
            var post = post(c, postId);
            var community = community(c, post.communityId());
            var held = posts.heldDocuments(c, post.id());
            if (!moderating.approve(c, community, post, Participant.member(by), added)) return post;
            var approved = posts.findById(c, post.id()).orElseThrow();
            if (approved.local()) Notifications.localPost(c, approved.id());
            else Notifications.remotePost(c, approved.id(), List.of());
            events.approved(c, approved, community, held.activity(), held.object(), added);
            return approved;
        });
    }

    /** A community's held posts, oldest first, for its moderators. */
    public List<Post> held(Member by, long communityId, int limit, int offset) {
        return db.read(c -> {
            authorised(c, by, communityId);
            return posts.held(c, communityId, limit, offset);
        });
    }

    public Post restore(Member by, long postId, String reason) {
        checkReason(reason);
        return db.inCommunity(communityOfPost(postId), c -> {
            var post = post(c, postId);
            var community = community(c, post.communityId());
            if (!moderating.restore(c, community, post, Participant.member(by), reason)) return post;
            // A held post goes back to the queue; nothing was ever sent about it.
            if (!post.held()) events.removed(c, by.actor(), post, community, reason, true);
            return posts.findById(c, post.id()).orElseThrow();
        });
    }

    public Post lock(Member by, long postId, String reason, boolean locked) {
        checkReason(reason);
        return db.inCommunity(communityOfPost(postId), c -> {
            var post = post(c, postId);
            var community = community(c, post.communityId());
            if (!moderating.lock(c, community, post, Participant.member(by), reason, locked)) return post;
            events.locked(c, by.actor(), post, community, reason, !locked);
            return posts.findById(c, post.id()).orElseThrow();
        });
    }

    /**
     * Pins a thread at the top of its community (Lemmy's "feature in community") or unpins it.
     * Pinning a pinned thread, or unpinning one that is not, changes nothing and sends nothing.
     */
    public Post pin(Member by, long postId, String reason, boolean pinned) {
        checkReason(reason);
        return db.inCommunity(communityOfPost(postId), c -> {
            var post = post(c, postId);
            var community = community(c, post.communityId());
            if (!moderating.pin(c, community, post, Participant.member(by), reason, pinned)) return post;
            events.pinned(c, by.actor(), post, community, reason, pinned);
            return posts.findById(c, post.id()).orElseThrow();
        });
    }

    // Bans

    public record BanRequest(String actor, String reason, Instant expires, boolean removeData) {}

    public void ban(Member by, long communityId, BanRequest request) {
        checkReason(request.reason());
        var named = person(request.actor());
        db.inCommunity(communityId, c -> {
            var community = community(c, communityId);
            // Issue 17: naming a pseudonym bans the member behind it, in every thread; their anonymous
            // posts go with removeData, each removal sent as for any post (other servers know only the pseudonym).
            var anonymity = new Anonymity(communities);
            var actor = actors.findById(c, anonymity.writer(c, named.id())).orElseThrow();
            var anonymous =
                    request.removeData() ? anonymity.postsBehind(c, community.id(), actor.id()) : List.<Long>of();
            moderating.ban(
                    c,
                    community,
                    actor,
                    Participant.member(by),
                    request.reason(),
                    request.expires(),
                    request.removeData());
            events.banned(
                    c, by.actor(), actor, community, request.reason(), request.expires(), request.removeData(), false);
            for (long postId : anonymous) {
                var post = post(c, postId);
                if (moderating.remove(c, community, post, Participant.member(by), request.reason()) && !post.held())
                    events.removed(c, by.actor(), post, community, request.reason(), false);
            }
            return null;
        });
    }

    public void unban(Member by, long communityId, String who, String reason) {
        checkReason(reason);
        var actor = person(who);
        db.inCommunity(communityId, c -> {
            var community = community(c, communityId);
            // The API tells a member who named no one banned; the inbox takes a repeat as done.
            if (!moderating.unban(c, community, actor, Participant.member(by), reason)) {
                throw Refusal.notFound(actor.uri() + " is not banned here");
            }
            events.banned(c, by.actor(), actor, community, reason, null, false, true);
            return null;
        });
    }

    /** The bans in force; moderators and admins only. */
    public List<CommunityBans.Ban> bans(Member viewer, long communityId) {
        return db.read(
                c -> CommunityBans.list(c, authorised(c, viewer, communityId).id()));
    }

    /** Communities that have banned this member, here or elsewhere (a remote community's Block is stored too). */
    public List<Long> bannedFrom(Member member) {
        return db.read(c -> CommunityBans.communitiesBanning(c, member.actor().id()));
    }

    // Per-community blocks (mod5): a community shutting out one server or one remote actor.

    /** The community's blocks; its moderators and admins only. */
    public List<CommunityBlocks.Block> blocks(Member viewer, long communityId) {
        return communityBlocks.list(localAuthorised(viewer, communityId).id());
    }

    /**
     * Blocks a domain (example.com, *.example.com) or a remote actor's URL in our community; a repeat
     * changes the reason. Returns how many of its follows ended.
     */
    public int block(Member by, long communityId, String target, String reason) {
        checkReason(reason);
        var text = target == null ? "" : target.strip();
        if (text.isEmpty()) throw Refusal.invalid("target", "target is a domain (example.com) or an actor's URL");
        if (text.startsWith("http://") || text.startsWith("https://")) {
            try {
                var uri = URI.create(text);
                if (uri.getHost() == null) throw new IllegalArgumentException("no host");
            } catch (IllegalArgumentException e) {
                throw Refusal.invalid("target", "target " + text + " is not a URL");
            }
        }
        var community = localAuthorised(by, communityId);
        return communityBlocks.block(community.id(), text, reason, by.username());
    }

    public void unblock(Member by, long communityId, String target) {
        if (target == null || target.isBlank()) throw Refusal.invalid("target", "name the blocked target");
        var community = localAuthorised(by, communityId);
        communityBlocks.unblock(community.id(), target.strip(), by.username());
    }

    /** Blocks shape what our community accepts, so only one of ours has them. */
    private Community localAuthorised(Member member, long communityId) {
        var community = db.read(c -> authorised(c, member, communityId));
        if (!community.actor().local())
            throw Refusal.conflict(null, "blocks belong to the community's own server, not this one");
        return community;
    }

    // The log

    /**
     * The community's moderation log, newest first. Who acted is shown to its moderators and admins,
     * and to everyone only when the community chooses so: naming a moderator can expose them.
     */
    /** The log's longest page; older entries are reached with {@code before}. */
    public static final int MAX_LOG_PAGE = 200;

    /** The newest page of the log. */
    public List<ModerationLog.Entry> log(Member viewer, long communityId) {
        return log(viewer, communityId, null, MAX_LOG_PAGE);
    }

    public List<ModerationLog.Entry> log(Member viewer, long communityId, Long before, int limit) {
        return db.read(c -> {
            var community = community(c, communityId);
            boolean named = community.showModeratorNames() || viewer != null && mayModerate(c, viewer, community);
            return ModerationLog.list(c, community.id(), before, Math.max(1, Math.min(limit, MAX_LOG_PAGE))).stream()
                    .map(e -> named
                            ? e
                            : new ModerationLog.Entry(
                                    e.id(), e.action(), e.target(), e.reason(), e.expires(), e.at(), null))
                    .toList();
        });
    }

    /** What moderators did about a member or their posts, in every community (issue 15); admins only. */
    public List<ModerationLog.MemberAct> historyOf(Member admin, long actorId) {
        if (admin.role() != Role.ADMIN)
            throw new Refusal(Refusal.Kind.FORBIDDEN, null, "only instance admins can do this");
        return db.read(c -> ModerationLog.aboutMember(c, actorId));
    }

    public boolean mayModerate(Member member, long communityId) {
        return db.read(c -> mayModerate(c, member, community(c, communityId)));
    }

    private boolean mayModerate(Connection c, Member member, Community community) throws SQLException {
        return moderating.moderates(c, community, Participant.member(member));
    }

    private Community authorised(Connection c, Member member, long communityId) throws SQLException {
        var community = community(c, communityId);
        moderating.authorise(c, community, Participant.member(member));
        return community;
    }

    private Community community(Connection c, long id) throws SQLException {
        return communities.findById(c, id).orElseThrow(() -> Refusal.notFound("there is no community " + id));
    }

    /** A post's community, which never changes: its lock is taken before the post is read again and checked. */
    private long communityOfPost(long postId) {
        return db.read(c -> post(c, postId)).communityId();
    }

    private Post post(Connection c, long id) throws SQLException {
        return posts.findById(c, id).orElseThrow(() -> Refusal.notFound("there is no post " + id));
    }

    private void touch(Connection c, Community community) throws SQLException {
        Sql.update(c, "update community set updated_at = now() where id = ?", community.id());
    }

    /** A member of ours by username, or anyone by handle or URL (fetched, outside any transaction). */
    private Actor person(String who) {
        var text = who == null ? "" : who.strip();
        if (text.isEmpty())
            throw Refusal.invalid("actor", "name the member: a username, a handle like name@example.org, or a URL");
        Actor actor;
        if (!text.contains("@") && !text.contains("/")) {
            actor = db.read(c -> actors.findLocal(c, text))
                    .orElseThrow(() -> Refusal.notFound("there is no member " + text + " here"));
        } else {
            try {
                actor = remoteActors.resolve(text.startsWith("@") ? text.substring(1) : text);
            } catch (FetchException e) {
                throw new Refusal(Refusal.Kind.NOT_FOUND, "actor", "could not find " + text + ": " + e.getMessage());
            }
        }
        if (actor.type() != ActorType.PERSON) throw Refusal.invalid("actor", text + " is not a person");
        return actor;
    }

    private static void checkReason(String reason) {
        if (reason != null && reason.length() > MAX_REASON) {
            throw Refusal.invalid("reason", "a reason must be at most " + MAX_REASON + " characters");
        }
    }
}
