package app.kindred.federation.inbound;

import app.kindred.activitypub.Activity;
import app.kindred.activitypub.ActivityType;
import app.kindred.actor.Actor;
import app.kindred.community.Community;
import app.kindred.federation.RemoteCommunities;
import app.kindred.moderation.CommunityBans;
import app.kindred.moderation.ModerationLog;
import app.kindred.moderation.ModerationLog.Action;
import app.kindred.moderation.ModerationService;
import app.kindred.remote.FetchException;
import app.kindred.remote.RemoteFetcher;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Moderation in Lemmy's forms: Lock of a thread, Block with target = the community (a ban),
 * Add/Remove with target = the moderators collection, Add/Remove of a thread with target = the
 * featured collection (a pin; Remove unpins), a Delete by someone other than the author (a
 * removal), the Undo of each, and an Update{Group} of one of our communities (an edit). Taken
 * only from a moderator of the community (ours: as stored; a remote one: as its moderators
 * collection says) or from the community's own origin (FEP-1b12).
 */
final class ModerationHandler implements ActivityHandler {
    private final FederationContext f;

    ModerationHandler(FederationContext f) {
        this.f = f;
    }

    @Override
    public Effect handle(Activity activity, JsonNode json, Actor actor, Optional<Actor> viaGroup)
            throws FetchException, Rejected {
        return switch (activity.type()) {
            case Lock -> onPost(activity, json, actor, true, Action.LOCK_THREAD);
            case Block -> ban(activity, json, actor, true);
            case Add, Remove -> toCollection(activity, json, actor);
            default -> throw new Rejected(activity.type() + " is not a moderation action");
        };
    }

    /** A Delete by someone who is not the author: a moderator's removal, with the reason in summary. */
    Effect removal(Activity activity, JsonNode json, Actor actor) throws FetchException, Rejected {
        return onPost(activity, json, actor, true, Action.REMOVE_POST);
    }

    /** Undo{Delete}, Undo{Lock} or Undo{Block} by a moderator. */
    Effect undo(Activity inner, JsonNode json, Actor actor) throws FetchException, Rejected {
        return switch (inner.type()) {
            case Delete -> onPost(inner, json, actor, false, Action.RESTORE_POST);
            case Lock -> onPost(inner, json, actor, false, Action.UNLOCK_THREAD);
            case Block -> ban(inner, json, actor, false);
            default -> throw new Rejected("Undo of " + inner.type() + " is not a moderation action");
        };
    }

    private Effect onPost(Activity activity, JsonNode json, Actor moderator, boolean apply, Action action)
            throws FetchException, Rejected {
        var postUri = URI.create(activity.object().uri());
        var found = f.db().read(c -> f.posts().findByUri(c, postUri));
        if (found.isEmpty()) return Effect.NONE; // never had it: nothing to hide or lock
        var community = f.db().read(c -> f.communities().findById(c, found.get().communityId()).orElseThrow());
        var remoteModerators = remoteModerators(community, moderator);
        var reason = activity.summary();
        return Effect.inCommunity(community.id(), c -> {
            authorise(c, moderator, community, remoteModerators);
            var post = f.posts().findById(c, found.get().id()).orElseThrow();
            switch (action) {
                case LOCK_THREAD, UNLOCK_THREAD -> {
                    if (!post.isThread()) throw new Rejected(postUri + " is a comment; only threads are locked");
                    if (post.locked() == apply) return;
                    f.posts().setLocked(c, post.id(), apply);
                }
                default -> {
                    if (post.removed() == apply) return;
                    f.posts().setRemoved(c, post.id(), apply, reason);
                }
            }
            ModerationLog.record(c, community.id(), moderator.id(), action, postUri.toString(), reason, null);
            // A removal reaches its author's server too, following or not (a ban may have come first).
            var alsoTo = action == Action.REMOVE_POST || action == Action.RESTORE_POST ? List.of(f.actorById(c, post.authorId()))
                    : List.<Actor>of();
            if (community.actor().local()) f.relay(c, community, json, Optional.empty(), postUri.toString(), alsoTo);
        });
    }

    private Effect ban(Activity activity, JsonNode json, Actor moderator, boolean apply) throws FetchException, Rejected {
        if (activity.target() == null) return Effect.NONE; // a person blocking a person: theirs, not ours to apply
        var groupUri = URI.create(activity.target().uri());
        var community = f.db().read(c -> f.communityOf(c, groupUri))
                .orElseThrow(() -> new Rejected("ban from " + groupUri + ", a community we do not know"));
        var banned = f.remoteActors().byUri(URI.create(activity.object().uri()));
        var remoteModerators = remoteModerators(community, moderator);
        return Effect.inCommunity(community.id(), c -> {
            authorise(c, moderator, community, remoteModerators);
            // Our rule, as in the API: a moderator is removed as one before they can be banned.
            if (apply && community.actor().local() && f.communities().isModerator(c, community.id(), banned.id())) {
                throw new Rejected(banned.uri() + " moderates " + community.actor().uri() + "; remove them as moderator first");
            }
            if (apply) {
                CommunityBans.ban(c, community.id(), banned.id(), activity.summary(), activity.endTime());
                if (Boolean.TRUE.equals(activity.removeData())) {
                    f.posts().removeAllBy(c, community.id(), banned.id(), activity.summary());
                }
            } else if (!CommunityBans.unban(c, community.id(), banned.id())) {
                return;
            }
            ModerationLog.record(c, community.id(), moderator.id(), apply ? Action.BAN : Action.UNBAN, banned.uri().toString(),
                    activity.summary(), apply ? activity.endTime() : null);
            if (community.actor().local()) {
                f.relay(c, community, json, Optional.empty(), banned.uri().toString(), java.util.List.of(banned));
            }
        });
    }

    /** Add/Remove names its collection in target: a community's moderators, or its featured threads (pins). */
    private Effect toCollection(Activity activity, JsonNode json, Actor actor) throws FetchException, Rejected {
        if (activity.target() == null) throw new Rejected(activity.type() + " without a target collection");
        var target = activity.target().uri();
        // Ours and Lemmy's both live at {group}/moderators.
        if (target.endsWith("/moderators")) {
            var group = target.substring(0, target.length() - "/moderators".length());
            var moderated = f.db().read(c -> communityAt(c, "select c.id from community c join actor a on a.id = c.actor_id"
                    + " where a.uri = ?", group));
            if (moderated.isPresent()) return moderators(activity, json, actor, moderated.get());
        }
        return pin(activity, json, actor, target);
    }

    private Effect moderators(Activity activity, JsonNode json, Actor moderator, Community community)
            throws FetchException, Rejected {
        var subject = f.remoteActors().byUri(URI.create(activity.object().uri()));
        var remoteModerators = remoteModerators(community, moderator);
        boolean add = activity.type() == ActivityType.Add;
        return Effect.inCommunity(community.id(), c -> {
            authorise(c, moderator, community, remoteModerators);
            if (!add && community.actor().local() && f.communities().isModerator(c, community.id(), subject.id())
                    && f.communities().moderatorUris(c, community.id()).size() == 1) {
                throw new Rejected(community.actor().uri() + " keeps at least one moderator; add another first");
            }
            boolean changed = add ? !f.communities().isModerator(c, community.id(), subject.id())
                    : f.communities().removeModerator(c, community.id(), subject.id());
            if (!changed) return;
            if (add) f.communities().addModerator(c, community.id(), subject.id());
            ModerationLog.record(c, community.id(), moderator.id(), add ? Action.ADD_MODERATOR : Action.REMOVE_MODERATOR,
                    subject.uri().toString(), "", null);
            if (community.actor().local()) f.relay(c, community, json, Optional.empty(), subject.uri().toString());
        });
    }

    /**
     * Add (pin) or Remove (unpin) of a thread with target = its community's featured collection:
     * ours and Lemmy's at {group}/featured, another server's where its Group document says.
     */
    private Effect pin(Activity activity, JsonNode json, Actor moderator, String target) throws FetchException, Rejected {
        var postUri = URI.create(activity.object().uri());
        var found = f.db().read(c -> f.posts().findByUri(c, postUri));
        var featured = f.db().read(c -> featuredAt(c, target));
        if (featured.isEmpty() && found.isPresent()) {
            // A remote group may name a featured collection we have not read yet: read its document again.
            var group = f.db().read(c -> f.communities().findById(c, found.get().communityId()).orElseThrow()).actor();
            if (!group.local()) {
                f.remoteActors().fetchAndStore(group.uri());
                featured = f.db().read(c -> featuredAt(c, target));
            }
        }
        var community = featured.orElseThrow(() -> new Rejected(activity.type() + " to " + target
                + ", which is neither the moderators nor the featured collection of a community we know"));
        var remoteModerators = remoteModerators(community, moderator);
        // Refused even when we never had the thread, so the attempt is logged.
        if (!f.db().read(c -> mayModerate(c, moderator, community, remoteModerators))) {
            throw new Rejected(moderator.uri() + " is not a moderator of " + community.actor().uri());
        }
        if (found.isEmpty()) return Effect.NONE; // never had it: nothing to pin
        if (found.get().communityId() != community.id()) {
            throw new Rejected(postUri + " is not a thread of " + community.actor().uri() + ", so it cannot be pinned there");
        }
        if (!found.get().isThread()) throw new Rejected(postUri + " is a comment; only threads are pinned");
        boolean pinned = activity.type() == ActivityType.Add;
        return Effect.inCommunity(community.id(), c -> {
            authorise(c, moderator, community, remoteModerators);
            var post = f.posts().findById(c, found.get().id()).orElseThrow();
            if (post.pinned() == pinned) return;
            f.posts().setPinned(c, post.id(), pinned);
            ModerationLog.record(c, community.id(), moderator.id(), pinned ? Action.PIN_THREAD : Action.UNPIN_THREAD,
                    postUri.toString(), activity.summary(), null);
            if (community.actor().local()) f.relay(c, community, json, Optional.empty(), postUri.toString());
        });
    }

    /** The community whose featured collection is at this URL: as its remote document names it, else {group}/featured. */
    private Optional<Community> featuredAt(java.sql.Connection c, String target) throws java.sql.SQLException {
        var group = target.endsWith("/featured") ? target.substring(0, target.length() - "/featured".length()) : "";
        return communityAt(c, "select c.id from community c join actor a on a.id = c.actor_id"
                + " where a.featured = ? or a.featured is null and a.uri = ?", target, group);
    }

    private Optional<Community> communityAt(java.sql.Connection c, String sql, Object... params) throws java.sql.SQLException {
        var id = app.kindred.storage.Sql.one(c, sql + " limit 1", rs -> rs.getLong(1), params);
        return id.isEmpty() ? Optional.empty() : f.communities().findById(c, id.get());
    }

    /**
     * Lemmy's community edit: Update{Group} by a moderator of one of our communities, naming its
     * title ({@code name}), description ({@code source}, Markdown as we keep it; the HTML summary
     * also holds the guidelines) and who may post. Other fields are ours to say, not theirs.
     */
    Effect communityEdited(JsonNode json, Actor moderator, Community community, app.kindred.activitypub.Actor group,
                           Optional<java.util.List<app.kindred.community.Rule>> rules) throws Rejected {
        var title = group.name() == null ? null : group.name().strip();
        if (title != null && (title.isEmpty() || title.length() > ModerationService.MAX_TITLE)) {
            throw new Rejected("a community's title is 1 to " + ModerationService.MAX_TITLE + " characters");
        }
        var source = group.source();
        var description = source != null && source.content() != null && "text/markdown".equals(source.mediaType())
                ? source.content().strip() : null;
        if (description != null && description.length() > ModerationService.MAX_DESCRIPTION) {
            throw new Rejected("a community's description is at most " + ModerationService.MAX_DESCRIPTION + " characters");
        }
        var restricted = group.postingRestrictedToMods();
        return Effect.inCommunity(community.id(), c -> {
            authorise(c, moderator, community, Set.of());
            var now = f.communities().findById(c, community.id()).orElseThrow();
            boolean changed = title != null && !title.equals(now.title())
                    || description != null && !description.equals(now.description())
                    || restricted != null && restricted != now.postingRestrictedToMods();
            // Guidelines change only when the Group carries them: Lemmy's never does, so its edits keep ours.
            var newRules = rules.map(r -> r.subList(0, Math.min(r.size(), 30)));
            boolean rulesChanged = newRules.isPresent() && !newRules.get().equals(f.communities().rules(c, community.id()));
            if (!changed && !rulesChanged) return;
            if (changed) {
                f.communities().updateSettings(c, now, title, description, restricted, null);
                ModerationLog.record(c, community.id(), moderator.id(), Action.EDIT_COMMUNITY, community.actor().uri().toString(),
                        "", null);
            }
            if (rulesChanged) {
                f.communities().replaceRules(c, community.id(), newRules.get());
                ModerationLog.record(c, community.id(), moderator.id(), Action.EDIT_GUIDELINES, community.actor().uri().toString(),
                        "", null);
            }
            f.relay(c, community, json, Optional.empty(), community.actor().uri().toString());
        });
    }

    void authorise(java.sql.Connection c, Actor actor, Community community, Set<String> remoteModerators)
            throws java.sql.SQLException, Rejected {
        if (!mayModerate(c, actor, community, remoteModerators)) {
            throw new Rejected(actor.uri() + " is not a moderator of " + community.actor().uri());
        }
    }

    private boolean mayModerate(java.sql.Connection c, Actor actor, Community community, Set<String> remoteModerators)
            throws java.sql.SQLException {
        var group = community.actor();
        return f.communities().isModerator(c, community.id(), actor.id())
                || !group.local() && (RemoteFetcher.sameOrigin(actor.uri(), group.uri())
                        || remoteModerators.contains(actor.uri().toString()));
    }

    /**
     * For a remote community whose moderators we may not have heard of yet: its moderators
     * collection as its origin serves it. Fetched only when the stored list does not settle it.
     */
    Set<String> remoteModerators(Community community, Actor actor) throws FetchException {
        var group = community.actor();
        if (group.local() || RemoteFetcher.sameOrigin(actor.uri(), group.uri())) return Set.of();
        if (f.db().read(c -> f.communities().isModerator(c, community.id(), actor.id()))) return Set.of();
        var groupJson = f.fetcher().getActivityJson(group.uri());
        var out = new HashSet<String>();
        RemoteCommunities.moderatorIds(f.fetcher(), group.uri(), groupJson).orElse(List.of())
                .forEach(id -> out.add(id.toString()));
        return out;
    }
}
