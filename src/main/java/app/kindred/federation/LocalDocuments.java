package app.kindred.federation;

import app.kindred.activitypub.ActivityPubCollection;
import app.kindred.activitypub.ActivityPubDocument;
import app.kindred.activitypub.ActivityPubReader;
import app.kindred.activitypub.CollectionType;
import app.kindred.activitypub.Endpoints;
import app.kindred.activitypub.GroupCrisisResource;
import app.kindred.activitypub.GroupRule;
import app.kindred.activitypub.GroupWarningPolicy;
import app.kindred.activitypub.Image;
import app.kindred.activitypub.Multikey;
import app.kindred.activitypub.PublicKey;
import app.kindred.activitypub.ReadResult;
import app.kindred.activitypub.Ref;
import app.kindred.activitypub.Source;
import app.kindred.actor.Actor;
import app.kindred.actor.ActorStore;
import app.kindred.actor.ActorType;
import app.kindred.actor.LocalIds;
import app.kindred.care.CommunityCare;
import app.kindred.care.WarningPolicy;
import app.kindred.community.CommunityStore;
import app.kindred.community.Membership;
import app.kindred.content.Markdown;
import app.kindred.follow.FollowStore;
import app.kindred.media.MediaStore;
import app.kindred.storage.Database;
import app.kindred.storage.Sql;
import app.kindred.thread.Anonymity;
import app.kindred.thread.Post;
import app.kindred.thread.PostStore;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Translates our own actors and their collections into wire documents. Features never build
 * ActivityPub JSON; this is where local state meets the vocabulary.
 */
public final class LocalDocuments {
    /** Collections are paged; a page never holds more than this. */
    public static final int PAGE_SIZE = 20;

    private final Database db;
    private final ActorStore actors;
    private final CommunityStore communities;
    private final FollowStore follows;
    private final PostStore posts;
    private final LocalIds ids;
    private final Markdown markdown = new Markdown();
    private final MediaStore media = new MediaStore();
    private final ActivityPubReader reader = new ActivityPubReader();

    public LocalDocuments(
            Database db,
            ActorStore actors,
            CommunityStore communities,
            FollowStore follows,
            PostStore posts,
            LocalIds ids) {
        this.db = db;
        this.actors = actors;
        this.communities = communities;
        this.follows = follows;
        this.posts = posts;
        this.ids = ids;
    }

    /** A post or comment at /p/ID (ours or one we hold from elsewhere? only ours: others live at their origin). */
    public Optional<ActivityPubDocument> post(String id) {
        return post(id, null);
    }

    /**
     * As {@link #post(String)}, for a request signed by an actor of {@code signer} (an authority, null when
     * unsigned): a members-only post of a private community is there only for a server with an approved
     * follower (issue 17); others are not told it exists.
     */
    public Optional<ActivityPubDocument> post(String id, String signer) {
        return db.read(c -> {
            var post = posts.findByUri(c, URI.create(ids.base() + "/p/" + id)).filter(Post::local);
            if (post.isEmpty()) return Optional.<ActivityPubDocument>empty();
            var p = post.get();
            // A held post is not there for other servers until a moderator approves it.
            if (p.held()) return Optional.<app.kindred.activitypub.ActivityPubDocument>empty();
            // A removed post is hidden from the fediverse as from the API, until a moderator restores it (below).
            var community = communities.findById(c, p.communityId()).orElseThrow();
            boolean membersOnly = Membership.membersOnly(c, p.id());
            if (membersOnly && !Membership.serverIsMember(c, community, signer))
                return Optional.<ActivityPubDocument>empty();
            // A deleted or removed members-only post answers as not there, too: its Tombstone says it existed.
            if (p.deleted() || p.removed()) return Optional.<ActivityPubDocument>of(PostDocuments.tombstone(p));
            var author = actors.findById(c, p.authorId()).orElseThrow();
            var parent = p.parentId() == null
                    ? null
                    : posts.findById(c, p.parentId()).orElseThrow().uri();
            return Optional.<ActivityPubDocument>of(PostDocuments.write(
                    p,
                    author.uri(),
                    community.actor().uri(),
                    parent,
                    membersOnly ? community.actor().followers() : null));
        });
    }

    /**
     * Which of our sent activities anyone may read: those addressed to the public (votes aside, see
     * migration V14), except what carried the words of a post since deleted, removed or held again; the Delete or
     * removal itself stays, since servers that got it through the group fetch it from here to trust it.
     */
    private static final String SERVED = """
            o.public and not (exists (select 1 from post p where p.uri = o.object_id
                                      and (p.deleted_at is not null or p.removed_at is not null
                                           or p.held_at is not null))
                              and carries_content(o.body))""";

    /**
     * What a member's outbox lists on top: only what they wrote, the Create, Update or Delete of
     * their own posts. Their acts as a moderator (removals, locks, bans, pins, appointments) reach
     * the fediverse through the group's announces, as Lemmy requires, and their ids stay fetchable,
     * but a person's outbox is no list of whom they banned and why: communities that hide
     * moderators' names in the modlog would be undone by it.
     */
    private static final String OWN_WRITING = """
            coalesce(o.body::jsonb ->> 'type', '') in ('Create', 'Update', 'Delete')
            and exists (select 1 from post w where w.uri = o.object_id and w.author_id = o.actor_id)""";

    private static String listed(Actor actor) {
        return actor.type() == ActorType.PERSON ? SERVED + " and " + OWN_WRITING : SERVED;
    }

    /** One of our public activities, as it was sent; a private one, or one that carried a post since taken down, is not found. */
    public Optional<String> activity(URI id) {
        return db.read(c -> Sql.one(
                c,
                "select body from outbound_activity o where activity_id = ? and " + SERVED,
                rs -> rs.getString(1),
                id));
    }

    /** A local actor of the given type by name: the member behind /u/NAME or the community behind /c/NAME. */
    public Optional<Actor> local(ActorType type, String name) {
        return db.read(c -> actors.findLocal(c, name)).filter(a -> a.type() == type);
    }

    /** The Tombstone our member's actor answers with (410) once their account is deleted. */
    public Optional<app.kindred.activitypub.Tombstone> departed(Actor actor) {
        if (!actor.local() || actor.type() != ActorType.PERSON) return Optional.empty();
        return db.read(c -> actors.goneAt(c, actor.id()))
                .map(at -> new app.kindred.activitypub.Tombstone(actor.uri().toString(), "Person", at));
    }

    public app.kindred.activitypub.Actor instanceActor(Actor actor) {
        return base(
                actor,
                app.kindred.activitypub.ActorType.Application,
                actor.name(),
                "The instance actor of " + ids.base().getAuthority() + ": it speaks for the server, not for a person.",
                null,
                null,
                null,
                null,
                true,
                false,
                null,
                null,
                NO_PICTURES,
                null);
    }

    public app.kindred.activitypub.Actor member(Actor actor) {
        return db.read(c -> member(c, actor));
    }

    /** The Person as it stands in this transaction, for an Update{Person} sent with the change. */
    public app.kindred.activitypub.Actor member(java.sql.Connection c, Actor actor) throws java.sql.SQLException {
        // Suspended by our admins (issue 15): said as Mastodon says it (toot:suspended), with nothing of
        // the profile beyond the handle, so other servers show the account as suspended and keep no picture.
        boolean suspended = ActorStore.suspended(c, actor.id());
        // Support communities are not for search engines: members opt in to discovery, never out.
        return base(
                actor,
                app.kindred.activitypub.ActorType.Person,
                suspended ? actor.preferredUsername() : actor.name(),
                null,
                null,
                actor.uri() + "/following",
                null,
                null,
                false,
                false,
                null,
                null,
                suspended ? NO_PICTURES : pictures(c, actor),
                suspended ? Boolean.TRUE : null);
    }

    public app.kindred.activitypub.Actor community(Actor actor) {
        return db.read(c -> community(c, actor));
    }

    /**
     * A pseudonym of anonymous posting (issue 17): a Person of the community's own, found by the last
     * part of its address, /c/NAME/anonymous/TOKEN; it names nobody behind it.
     */
    public Optional<Actor> pseudonym(String community, String token) {
        var uri = URI.create(ids.community(community) + "/anonymous/" + token);
        return db.read(c -> actors.findByUri(c, uri)).filter(a -> a.local() && a.type() == ActorType.PERSON);
    }

    public app.kindred.activitypub.Actor pseudonymDocument(Actor actor) {
        var community = actor.uri().toString().replaceFirst("/anonymous/[^/]+$", "");
        return base(
                actor,
                app.kindred.activitypub.ActorType.Person,
                actor.name(),
                "<p>A member posting anonymously in <a href=\"" + escape(community) + "\">" + escape(community)
                        + "</a>. Its moderators know who wrote these posts; nobody else is told.</p>",
                null,
                null,
                null,
                null,
                false,
                false,
                null,
                null,
                NO_PICTURES,
                null);
    }

    /** The Group as it stands in this transaction, for an Update{Group} sent with the change. */
    public app.kindred.activitypub.Actor community(Connection c, Actor actor) throws SQLException {
        var community = communities.byActor(c, actor).orElseThrow();
        var rules = communities.rules(c, community.id());
        var care = CommunityCare.load(c, community.id());
        // The guidelines go into the HTML summary too: most software shows only that.
        var summary = new StringBuilder(markdown.toHtml(community.description()));
        if (!rules.isEmpty()) {
            summary.append("<h2>Guidelines</h2><ol>");
            for (var rule : rules) {
                summary.append("<li><strong>").append(escape(rule.title())).append("</strong>");
                if (!rule.description().isBlank()) summary.append(markdown.toHtml(rule.description()));
                summary.append("</li>");
            }
            summary.append("</ol>");
        }
        var privacy = Membership.privacy(c, community.id());
        var document = base(
                actor,
                app.kindred.activitypub.ActorType.Group,
                community.title(),
                summary.toString(),
                community.description().isEmpty() ? null : new Source(community.description(), "text/markdown"),
                null,
                actor.uri() + "/featured",
                actor.uri() + "/moderators",
                // A private community's follows wait for a moderator (issue 17; Lemmy reads it the same way).
                privacy.isPrivate(),
                true,
                community.postingRestrictedToMods(),
                community.sensitive(),
                pictures(c, actor),
                null);
        var wireRules = rules.stream()
                .map(r -> GroupRule.of(r.title(), markdown.toHtml(r.description())))
                .toList();
        return new app.kindred.activitypub.Actor(
                document.id(),
                document.type(),
                document.preferredUsername(),
                document.name(),
                document.summary(),
                document.source(),
                document.inbox(),
                document.outbox(),
                document.followers(),
                document.following(),
                document.featured(),
                document.moderators(),
                document.attributedTo(),
                document.endpoints(),
                document.publicKey(),
                document.assertionMethod(),
                document.icon(),
                document.image(),
                document.url(),
                document.manuallyApprovesFollowers(),
                document.discoverable(),
                document.indexable(),
                document.postingRestrictedToMods(),
                document.sensitive(),
                document.matrixUserId(),
                document.published(),
                community.updatedAt(),
                wireRules,
                warningPolicy(care.policy()),
                care.resources().stream()
                        .map(r -> new GroupCrisisResource(r.name(), r.contact(), r.hours(), r.region(), r.language()))
                        .toList(),
                // Issue 17: whether members may post under a pseudonym, and what a private community asks applicants.
                new Anonymity(communities).allowed(c, community.id()),
                privacy.isPrivate() ? privacy.applicationQuestions() : List.of(),
                null);
    }

    private static GroupWarningPolicy warningPolicy(WarningPolicy policy) {
        return new GroupWarningPolicy(
                policy.mode().wire(),
                policy.topics().stream()
                        .map(t -> new GroupWarningPolicy.Topic(t.name(), t.words()))
                        .toList());
    }

    /** An actor's uploaded icon (avatar) and image (banner), as Mastodon and Lemmy read them. */
    private record Pictures(Image icon, Image image) {}

    private static final Pictures NO_PICTURES = new Pictures(null, null);

    private Pictures pictures(Connection c, Actor actor) throws SQLException {
        var images = media.actorImages(c, actor.id());
        return new Pictures(picture(images.iconKey()), picture(images.imageKey()));
    }

    private Image picture(String key) {
        if (key == null) return null;
        return new Image(ids.base() + "/media/" + key, key.endsWith(".png") ? "image/png" : "image/jpeg", null);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;");
    }

    private app.kindred.activitypub.Actor base(
            Actor a,
            app.kindred.activitypub.ActorType type,
            String name,
            String summary,
            Source source,
            String following,
            String featured,
            String moderators,
            boolean manuallyApproves,
            boolean discoverable,
            Boolean postingRestrictedToMods,
            Boolean sensitive,
            Pictures pictures,
            Boolean suspended) {
        var uri = a.uri().toString();
        return new app.kindred.activitypub.Actor(
                uri,
                type,
                a.preferredUsername(),
                name,
                summary,
                source,
                a.inbox().toString(),
                a.outbox().toString(),
                a.followers().toString(),
                following,
                featured,
                moderators,
                moderators == null ? List.of() : List.of(moderators),
                new Endpoints(a.sharedInbox().toString()),
                new PublicKey(a.publicKeyId(), uri, a.publicKeyPem()),
                List.of(new Multikey(a.ed25519KeyId(), uri, a.ed25519Multibase())),
                pictures.icon(),
                pictures.image(),
                uri,
                manuallyApproves,
                discoverable,
                type == app.kindred.activitypub.ActorType.Person ? Boolean.FALSE : null,
                postingRestrictedToMods,
                sensitive,
                null,
                a.createdAt(),
                a.createdAt(),
                null,
                null,
                null,
                null,
                null,
                suspended);
    }

    /** Follower lists of a support community are private: only the count is published. */
    public ActivityPubCollection followers(Actor actor) {
        long total = db.read(c -> follows.acceptedFollowers(c, actor.id()));
        return new ActivityPubCollection(
                actor.followers().toString(),
                CollectionType.OrderedCollection,
                (int) total,
                null,
                null,
                null,
                List.of());
    }

    /** Without even a count: how many communities a member follows, on a small instance, starts to say which. */
    public ActivityPubCollection following(Actor actor) {
        return new ActivityPubCollection(
                actor.uri() + "/following", CollectionType.OrderedCollection, null, null, null, null, List.of());
    }

    public ActivityPubCollection moderators(Actor actor) {
        var community = db.read(c -> communities.byActor(c, actor)).orElseThrow();
        var mods = db.read(c -> communities.moderatorUris(c, community.id()));
        return new ActivityPubCollection(
                actor.uri() + "/moderators",
                CollectionType.OrderedCollection,
                mods.size(),
                null,
                null,
                null,
                mods.stream().map(u -> Ref.id(u.toString())).toList());
    }

    /** Pins are a handful; a community that pins more shows its latest this many. */
    static final int MAX_FEATURED = 100;

    /**
     * Pinned threads, most recently pinned first, each embedded as the document its id serves
     * (Lemmy: Page objects in an OrderedCollection; Mastodon reads the same shape for a profile).
     */
    public ActivityPubCollection featured(Actor actor) {
        return db.read(c -> {
            var community = communities.byActor(c, actor).orElseThrow();
            var items = new ArrayList<Ref>();
            for (var p : posts.pinned(c, community.id(), MAX_FEATURED)) {
                var author = actors.findById(c, p.authorId()).orElseThrow();
                items.add(Ref.embedded(PostDocuments.write(p, author.uri(), actor.uri(), null)));
            }
            return new ActivityPubCollection(
                    actor.uri() + "/featured",
                    CollectionType.OrderedCollection,
                    (int) posts.pinnedCount(c, community.id()),
                    null,
                    null,
                    null,
                    items);
        });
    }

    /**
     * The outbox: what the actor has sent, as a collection pointing at its first page, or one page
     * of it, newest first, at most {@link #PAGE_SIZE} a page.
     */
    public ActivityPubCollection outbox(Actor actor, Optional<Integer> page) {
        var id = actor.outbox().toString();
        long total = db.read(c -> Sql.count(
                c, "select count(*) from outbound_activity o where actor_id = ? and " + listed(actor), actor.id()));
        if (page.isEmpty()) {
            return new ActivityPubCollection(
                    id, CollectionType.OrderedCollection, (int) total, Ref.id(id + "?page=1"), null, null, List.of());
        }
        int offset = (page.get() - 1) * PAGE_SIZE;
        var bodies = db.read(
                c -> Sql.list(c, """
                select body from outbound_activity o where actor_id = ? and %s order by id desc limit ? offset ?""".formatted(listed(actor)), rs -> rs.getString(1), actor.id(), PAGE_SIZE, offset));
        var items = new ArrayList<Ref>();
        for (var body : bodies) {
            if (reader.read(body.getBytes(StandardCharsets.UTF_8)) instanceof ReadResult.Supported s) {
                items.add(Ref.embedded(s.document()));
            }
        }
        var next = offset + PAGE_SIZE < total ? id + "?page=" + (page.get() + 1) : null;
        return new ActivityPubCollection(
                id + "?page=" + page.get(), CollectionType.OrderedCollectionPage, null, null, next, id, items);
    }
}
