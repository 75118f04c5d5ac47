package app.kindred.federation.inbound;

import app.kindred.activitypub.ActivityType;
import app.kindred.actor.Actor;
import app.kindred.community.Community;
import app.kindred.community.Participant;
import app.kindred.community.Rule;
import app.kindred.federation.RemoteCommunities;
import app.kindred.moderation.Moderating;
import app.kindred.moderation.ModerationLog;
import app.kindred.moderation.ModerationLog.Action;
import app.kindred.remote.FetchException;
import app.kindred.remote.RemoteFetcher;
import app.kindred.storage.Sql;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;

/**
 * Moderation in Lemmy's forms: Lock of a thread, Block with target = the community (a ban),
 * Add/Remove with target = the moderators collection, Add/Remove of a thread with target = the
 * featured collection (a pin; Remove unpins), a Delete by someone other than the author (a
 * removal), the Undo of each, and an Update{Group} of one of our communities (an edit). What a
 * moderator may do, and what it changes, is {@link Moderating}'s, as for our own members; this
 * class reads the activity, finds what it names (fetching a remote community's moderators when
 * the stored list does not settle it) and relays what changed in one of our communities (FEP-1b12).
 */
final class ModerationHandler implements ActivityHandler {
    private final FederationContext f;

    ModerationHandler(FederationContext f) {
        this.f = f;
    }

    @Override
    public Effect handle(Incoming in, Actor actor, Optional<Actor> viaGroup) throws FetchException, Rejected {
        return switch (in.type()) {
            case Lock -> onPost(in, in, actor, true, Action.LOCK_THREAD);
            case Block -> ban(in, in, actor, true);
            case Add, Remove -> toCollection(in, actor);
            default -> throw new Rejected(in.type() + " is not a moderation action");
        };
    }

    /** A Delete by someone who is not the author: a moderator's removal, with the reason in summary. */
    Effect removal(Incoming in, Actor actor) throws FetchException, Rejected {
        return onPost(in, in, actor, true, Action.REMOVE_POST);
    }

    /** Undo{Delete}, Undo{Lock} or Undo{Block} by a moderator; the relayed form is the Undo as received. */
    Effect undo(Incoming undo, Actor actor, Optional<Actor> viaGroup) throws FetchException, Rejected {
        var inner = undo.inner().orElseThrow(() -> new Rejected("an Undo of a moderation act needs the act embedded"));
        return switch (inner.type()) {
            case Delete -> {
                // An author's own undelete is not supported (a delete is final here); a moderator's restore is.
                var author = f.db().read(c -> f.posts()
                                .findByUri(
                                        c, URI.create(inner.activity().object().uri())))
                        .map(p -> p.authorId() == actor.id())
                        .orElse(true);
                yield author ? Effect.NONE : onPost(inner, undo, actor, false, Action.RESTORE_POST);
            }
            case Lock -> onPost(inner, undo, actor, false, Action.UNLOCK_THREAD);
            case Block -> ban(inner, undo, actor, false);
            default -> throw new Rejected("Undo of " + inner.type() + " is not a moderation action");
        };
    }

    /** act: the lock or removal (or the one undone); relayed: what the community passes on as received. */
    private Effect onPost(Incoming act, Incoming relayed, Actor moderator, boolean apply, Action action)
            throws FetchException, Rejected {
        var postUri = URI.create(act.activity().object().uri());
        var found = f.db().read(c -> f.posts().findByUri(c, postUri));
        if (found.isEmpty()) return Effect.NONE; // never had it: nothing to hide or lock
        var community = f.db().read(c ->
                f.communities().findById(c, found.get().communityId()).orElseThrow());
        var by = participant(moderator, community);
        var reason = act.activity().summary();
        return Effect.inCommunity(community.id(), c -> {
            var post = f.posts().findById(c, found.get().id()).orElseThrow();
            var moderating = f.moderating();
            boolean changed = switch (action) {
                case LOCK_THREAD, UNLOCK_THREAD -> moderating.lock(c, community, post, by, reason, apply);
                default ->
                    apply
                            ? moderating.remove(c, community, post, by, reason)
                            : moderating.restore(c, community, post, by, reason);
            };
            if (!changed) return;
            // A removal reaches its author's server too, following or not (a ban may have come first).
            var alsoTo = action == Action.REMOVE_POST || action == Action.RESTORE_POST
                    ? List.of(f.actorById(c, post.authorId()))
                    : List.<Actor>of();
            if (community.actor().local())
                f.relay(c, community, relayed.json(), Optional.empty(), postUri.toString(), alsoTo);
        });
    }

    private Effect ban(Incoming act, Incoming relayed, Actor moderator, boolean apply) throws FetchException, Rejected {
        var activity = act.activity();
        if (activity.target() == null) return Effect.NONE; // a person blocking a person: theirs, not ours to apply
        var groupUri = URI.create(activity.target().uri());
        var community = f.db().read(c -> f.communityOf(c, groupUri))
                .orElseThrow(() -> new Rejected("ban from " + groupUri + ", a community we do not know"));
        var banned = f.remoteActors().byUri(URI.create(activity.object().uri()));
        var by = participant(moderator, community);
        return Effect.inCommunity(community.id(), c -> {
            var moderating = f.moderating();
            if (apply) {
                moderating.ban(
                        c,
                        community,
                        banned,
                        by,
                        activity.summary(),
                        activity.endTime(),
                        Boolean.TRUE.equals(activity.removeData()));
            } else if (!moderating.unban(c, community, banned, by, activity.summary())) {
                return;
            }
            if (community.actor().local()) {
                f.relay(
                        c,
                        community,
                        relayed.json(),
                        Optional.empty(),
                        banned.uri().toString(),
                        List.of(banned));
            }
        });
    }

    /** Add/Remove names its collection in target: a community's moderators, or its featured threads (pins). */
    private Effect toCollection(Incoming in, Actor actor) throws FetchException, Rejected {
        var activity = in.activity();
        if (activity.target() == null) throw new Rejected(activity.type() + " without a target collection");
        var target = activity.target().uri();
        // Ours and Lemmy's both live at {group}/moderators.
        if (target.endsWith("/moderators")) {
            var group = target.substring(0, target.length() - "/moderators".length());
            var moderated = f.db().read(c -> communityAt(
                    c, "select c.id from community c join actor a on a.id = c.actor_id" + " where a.uri = ?", group));
            if (moderated.isPresent()) return moderators(in, actor, moderated.get());
        }
        return pin(in, actor, target);
    }

    private Effect moderators(Incoming in, Actor moderator, Community community) throws FetchException, Rejected {
        var subject = f.remoteActors().byUri(URI.create(in.activity().object().uri()));
        var by = participant(moderator, community);
        boolean add = in.type() == ActivityType.Add;
        return Effect.inCommunity(community.id(), c -> {
            var moderating = f.moderating();
            boolean changed = add
                    ? moderating.addModerator(c, community, subject, by)
                    : moderating.removeModerator(c, community, subject, by);
            if (changed && community.actor().local())
                f.relay(c, community, in.json(), Optional.empty(), subject.uri().toString());
        });
    }

    /**
     * Add (pin) or Remove (unpin) of a thread with target = its community's featured collection:
     * ours and Lemmy's at {group}/featured, another server's where its Group document says.
     */
    private Effect pin(Incoming in, Actor moderator, String target) throws FetchException, Rejected {
        var activity = in.activity();
        var postUri = URI.create(activity.object().uri());
        var found = f.db().read(c -> f.posts().findByUri(c, postUri));
        var featured = f.db().read(c -> featuredAt(c, target));
        if (featured.isEmpty() && found.isPresent()) {
            // A remote group may name a featured collection we have not read yet: read its document again.
            var group = f.db().read(c -> f.communities()
                            .findById(c, found.get().communityId())
                            .orElseThrow())
                    .actor();
            if (!group.local()) {
                f.remoteActors().fetchAndStore(group.uri());
                featured = f.db().read(c -> featuredAt(c, target));
            }
        }
        var community = featured.orElseThrow(() -> new Rejected(activity.type() + " to " + target
                + ", which is neither the moderators nor the featured collection of a community we know"));
        var by = participant(moderator, community);
        // Refused even when we never had the thread, so the attempt is logged.
        f.db().read(c -> {
            f.moderating().authorise(c, community, by);
            return null;
        });
        if (found.isEmpty()) return Effect.NONE; // never had it: nothing to pin
        boolean pinned = activity.type() == ActivityType.Add;
        return Effect.inCommunity(community.id(), c -> {
            var post = f.posts().findById(c, found.get().id()).orElseThrow();
            if (f.moderating().pin(c, community, post, by, activity.summary(), pinned)
                    && community.actor().local()) {
                f.relay(c, community, in.json(), Optional.empty(), postUri.toString());
            }
        });
    }

    /** The community whose featured collection is at this URL: as its remote document names it, else {group}/featured. */
    private Optional<Community> featuredAt(Connection c, String target) throws SQLException {
        var group = target.endsWith("/featured") ? target.substring(0, target.length() - "/featured".length()) : "";
        return communityAt(
                c,
                "select c.id from community c join actor a on a.id = c.actor_id"
                        + " where a.featured = ? or a.featured is null and a.uri = ?",
                target,
                group);
    }

    private Optional<Community> communityAt(Connection c, String sql, Object... params) throws SQLException {
        var id = Sql.one(c, sql + " limit 1", rs -> rs.getLong(1), params);
        return id.isEmpty() ? Optional.empty() : f.communities().findById(c, id.get());
    }

    /**
     * Lemmy's community edit: Update{Group} by a moderator of one of our communities, naming its
     * title ({@code name}), description ({@code source}, Markdown as we keep it; the HTML summary
     * also holds the guidelines) and who may post. Other fields are ours to say, not theirs.
     */
    Effect communityEdited(
            Incoming in,
            Actor moderator,
            Community community,
            app.kindred.activitypub.Actor group,
            Optional<List<Rule>> rules) {
        var title = group.name() == null ? null : group.name().strip();
        var source = group.source();
        var description = source != null && source.content() != null && "text/markdown".equals(source.mediaType())
                ? source.content().strip()
                : null;
        Moderating.checkSettings(title, description);
        var restricted = group.postingRestrictedToMods();
        var by = Participant.remote(moderator);
        return Effect.inCommunity(community.id(), c -> {
            var now = f.communities().findById(c, community.id()).orElseThrow();
            f.moderating().checkEdit(c, now, by, title, description);
            boolean changed = title != null && !title.equals(now.title())
                    || description != null && !description.equals(now.description())
                    || restricted != null && restricted != now.postingRestrictedToMods();
            // Guidelines change only when the Group carries them: Lemmy's never does, so its edits keep ours.
            var newRules = rules.map(r -> r.subList(0, Math.min(r.size(), Moderating.MAX_GUIDELINES)));
            boolean rulesChanged = newRules.isPresent()
                    && !newRules.get().equals(f.communities().rules(c, community.id()));
            if (!changed && !rulesChanged) return;
            if (changed) {
                f.communities().updateSettings(c, now, title, description, restricted, null);
                ModerationLog.record(
                        c,
                        community.id(),
                        moderator.id(),
                        Action.EDIT_COMMUNITY,
                        community.actor().uri().toString(),
                        "",
                        null);
            }
            if (rulesChanged) {
                f.communities().replaceRules(c, community.id(), newRules.get());
                ModerationLog.record(
                        c,
                        community.id(),
                        moderator.id(),
                        Action.EDIT_GUIDELINES,
                        community.actor().uri().toString(),
                        "",
                        null);
            }
            f.relay(
                    c,
                    community,
                    in.json(),
                    Optional.empty(),
                    community.actor().uri().toString());
        });
    }

    /**
     * The actor as the moderation rules see them. For a remote community whose moderators we may not
     * have heard of yet, its home vouches: its origin, or its moderators collection as the origin
     * serves it (fetched only when the stored list does not settle it).
     */
    Participant participant(Actor actor, Community community) throws FetchException {
        var group = community.actor();
        if (group.local()) return Participant.remote(actor);
        if (RemoteFetcher.sameOrigin(actor.uri(), group.uri())) return Participant.remote(actor, true);
        if (f.db().read(c -> f.communities().isModerator(c, community.id(), actor.id())))
            return Participant.remote(actor);
        var groupJson = f.fetcher().getActivityJson(group.uri());
        var listed = new HashSet<String>();
        RemoteCommunities.moderatorIds(f.fetcher(), group.uri(), groupJson)
                .orElse(List.of())
                .forEach(id -> listed.add(id.toString()));
        return Participant.remote(actor, listed.contains(actor.uri().toString()));
    }
}
