package app.kindred.federation;

import app.kindred.activitypub.ActivityPubReader;
import app.kindred.activitypub.ReadResult;
import app.kindred.actor.Actor;
import app.kindred.actor.ActorType;
import app.kindred.care.CommunityCare;
import app.kindred.care.CrisisResource;
import app.kindred.care.WarningPolicy;
import app.kindred.community.Community;
import app.kindred.community.CommunityOrigin;
import app.kindred.community.CommunityStore;
import app.kindred.community.Membership;
import app.kindred.community.Rule;
import app.kindred.content.HtmlSanitizer;
import app.kindred.remote.FetchException;
import app.kindred.remote.RemoteFetcher;
import app.kindred.storage.Database;
import app.kindred.storage.Sql;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What we keep of a remote community beyond its actor: its title, description, guidelines and
 * moderators, as its origin publishes them. Read when one of our members follows it and whenever we
 * fetch its Group again; an Update{Group} from its origin or one of its moderators changes the
 * profile too (the inbound UpdateHandler). Knowing the moderators here is what lets a report reach
 * them and their decisions be accepted.
 */
public final class RemoteCommunities implements CommunityOrigin {
    static final int MAX_MODERATORS = 100,
            MAX_RULES = 50,
            MAX_TITLE = 200,
            MAX_DESCRIPTION = 10_000,
            MAX_RULE_TITLE = 200,
            MAX_RULE_DESCRIPTION = 2_000;
    private static final Logger log = LoggerFactory.getLogger(RemoteCommunities.class);
    private static final ActivityPubReader READER = new ActivityPubReader();

    private final Database db;
    private final CommunityStore communities;
    private final RemoteFetcher fetcher;
    private final RemoteActors actors;

    public RemoteCommunities(Database db, CommunityStore communities, RemoteFetcher fetcher, RemoteActors actors) {
        this.db = db;
        this.communities = communities;
        this.fetcher = fetcher;
        this.actors = actors;
        actors.whenGroupFetched(this::groupFetched);
    }

    /**
     * How a Group presents itself. Kindred's machine-readable {@code rules} become the guidelines, its
     * {@code contentWarningPolicy} and {@code crisisResources} are kept as published (none when absent);
     * Lemmy, Mbin and PieFed publish none (their rules are prose in the sidebar, kept in the
     * description), so a Group without {@code rules} has no numbered guidelines here.
     *
     * @param description Markdown from {@code source} when the Group has it, else the text of its HTML {@code summary}
     * @param rules       present only when the document carries {@code rules}
     * @param anonymousPosting     Kindred's {@code anonymousPosting}: its members may post under a pseudonym
     * @param applicationQuestions Kindred's {@code applicationQuestions}, what a private community asks applicants
     */
    public record Profile(
            String title,
            String description,
            Boolean sensitive,
            Boolean postingRestrictedToMods,
            Optional<List<Rule>> rules,
            WarningPolicy warningPolicy,
            List<CrisisResource> crisisResources,
            boolean isPrivate,
            boolean anonymousPosting,
            List<String> applicationQuestions) {}

    /** Reads a Group document; empty when it is not a Group we can read. */
    public static Optional<Profile> profile(JsonNode document) {
        if (!(READER.read(document) instanceof ReadResult.Supported s)
                || !(s.document() instanceof app.kindred.activitypub.Actor g)
                || g.type() != app.kindred.activitypub.ActorType.Group) {
            return Optional.empty();
        }
        var title = g.name() != null && !g.name().isBlank() ? g.name().strip() : g.preferredUsername();
        String description;
        if (g.source() != null
                && g.source().content() != null
                && (g.source().mediaType() == null || g.source().mediaType().startsWith("text/markdown"))) {
            description = g.source().content().strip();
        } else {
            description = HtmlSanitizer.toText(g.summary());
        }
        Optional<List<Rule>> rules = Optional.empty();
        if (document.has("rules")) {
            var list = new ArrayList<Rule>();
            for (var wire : g.rules()) {
                if (list.size() == MAX_RULES) break;
                int number = list.size() + 1;
                var ruleTitle = wire.name() == null || wire.name().isBlank()
                        ? "Rule " + number
                        : wire.name().strip();
                list.add(new Rule(
                        number,
                        cut(ruleTitle, MAX_RULE_TITLE),
                        cut(HtmlSanitizer.toText(wire.content()), MAX_RULE_DESCRIPTION)));
            }
            rules = Optional.of(List.copyOf(list));
        }
        return Optional.of(new Profile(
                title == null ? null : cut(title, MAX_TITLE),
                cut(description, MAX_DESCRIPTION),
                g.sensitive(),
                g.postingRestrictedToMods(),
                rules,
                WarningPolicy.read(document.get("contentWarningPolicy")),
                CrisisResource.read(document.get("crisisResources")),
                // Lemmy's and Kindred's private communities say so this way (issue 17).
                Boolean.TRUE.equals(g.manuallyApprovesFollowers()),
                Boolean.TRUE.equals(g.anonymousPosting()),
                questions(g.applicationQuestions())));
    }

    /** Its application questions, within the limits our own communities keep to. */
    private static List<String> questions(List<String> wire) {
        return wire.stream()
                .limit(Membership.MAX_QUESTIONS)
                .map(q -> cut(q, Membership.MAX_QUESTION))
                .toList();
    }

    private static String cut(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max);
    }

    /** A remote community's profile as its origin (or one of its moderators) states it; absent rules mean none. */
    public static void apply(Connection c, CommunityStore communities, Community community, Profile profile)
            throws SQLException {
        communities.updateProfile(
                c,
                community.id(),
                profile.title(),
                profile.description(),
                profile.sensitive(),
                profile.postingRestrictedToMods());
        communities.replaceRules(c, community.id(), profile.rules().orElse(List.of()));
        // Kept so our members are told before sending a post the community would hold, and shown its resources.
        CommunityCare.published(c, community.id(), profile.warningPolicy(), profile.crisisResources());
        // What a private community's followers receive here stays for them (issue 17), also if it turns public.
        var privacy = Membership.privacy(c, community.id());
        if (profile.isPrivate() != privacy.isPrivate()
                || !profile.applicationQuestions().equals(privacy.applicationQuestions()))
            Membership.save(c, community.id(), profile.isPrivate(), profile.applicationQuestions());
        // Kept as the community says it, so our members know before writing whether it takes anonymous posts.
        Sql.update(
                c,
                "update community set anonymous_posting = ? where id = ?",
                profile.anonymousPosting(),
                community.id());
    }

    /**
     * The moderators collection named by the Group ({@code moderators}, or Lemmy's
     * {@code attributedTo}), fetched from the group's own origin, each moderator fetched or taken as
     * stored. Empty when there is no such collection or it cannot be read; then what we know stays.
     */
    public Optional<List<Actor>> moderators(Actor group, JsonNode document) {
        List<URI> ids;
        try {
            var listed = moderatorIds(fetcher, group.uri(), document);
            if (listed.isEmpty()) return Optional.empty();
            ids = listed.get();
        } catch (FetchException e) {
            log.info("moderators of {} not fetched: {}", group.uri(), e.getMessage());
            return Optional.empty();
        }
        var out = new LinkedHashMap<Long, Actor>();
        for (var id : ids.subList(0, Math.min(ids.size(), MAX_MODERATORS))) {
            Optional<Actor> moderator;
            try {
                moderator = Optional.of(actors.byUri(id));
            } catch (FetchException | RuntimeException e) {
                // Unreachable now: keep them if we knew them before; the collection still names them.
                moderator = actors.known(id);
            }
            moderator
                    .filter(a -> a.type() == ActorType.PERSON || a.type() == ActorType.SERVICE)
                    .ifPresent(a -> out.put(a.id(), a));
        }
        return Optional.of(List.copyOf(out.values()));
    }

    /**
     * The actor ids in the moderators collection a Group names ({@code moderators}, or Lemmy's
     * {@code attributedTo}), fetched from the group's own origin, inline or on its first page. Empty
     * when the Group names none or names one elsewhere: only the community's own server says who moderates it.
     */
    public static Optional<List<URI>> moderatorIds(RemoteFetcher fetcher, URI groupUri, JsonNode groupDocument)
            throws FetchException {
        var wire = READER.read(groupDocument) instanceof ReadResult.Supported s
                        && s.document() instanceof app.kindred.activitypub.Actor g
                ? g
                : null;
        if (wire == null || wire.moderators() == null) return Optional.empty();
        URI collectionUri;
        try {
            collectionUri = URI.create(wire.moderators());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (!RemoteFetcher.sameOrigin(collectionUri, groupUri)) return Optional.empty();
        var collection = fetcher.getActivityJson(collectionUri);
        var items = collection.has("orderedItems") ? collection.get("orderedItems") : collection.get("items");
        if (items == null && collection.has("first")) {
            var first = collection.get("first");
            var page = first.isTextual() ? fetcher.getActivityJson(URI.create(first.asText())) : first;
            items = page.has("orderedItems") ? page.get("orderedItems") : page.get("items");
        }
        var out = new ArrayList<URI>();
        if (items == null) return Optional.of(out);
        for (var item : items.isArray() ? items : List.of(items)) {
            var id = item.isTextual() ? item.asText() : item.path("id").asText("");
            if (id.startsWith("https://") || id.startsWith("http://")) {
                try {
                    out.add(URI.create(id));
                } catch (IllegalArgumentException e) {
                    // Not an id we can use; the others still count.
                }
            }
        }
        return Optional.of(out);
    }

    /** Fetches a remote community's Group afresh and updates what we keep of it, before returning. */
    @Override
    public void refresh(URI group) throws FetchException {
        var document = fetcher.getActivityJson(group);
        update(actors.store(group, document), document);
    }

    /**
     * A Group was fetched from its origin (a stale copy renewed, often for its key while an inbox
     * request waits): its moderators collection is fetched off that path.
     */
    private void groupFetched(Actor group, JsonNode document) {
        Thread.ofVirtual().name("community-refresh").start(() -> update(group, document));
    }

    /** A community we keep gets its profile and moderators from its Group; anything else is left alone. */
    private void update(Actor group, JsonNode document) {
        try {
            if (group.local() || group.type() != ActorType.GROUP) return;
            var community = db.read(c -> communities.byActor(c, group));
            if (community.isEmpty()) return;
            var profile = profile(document);
            var moderators = moderators(group, document);
            db.inCommunity(community.get().id(), c -> {
                var current = communities.byActor(c, group).orElseThrow();
                if (profile.isPresent()) apply(c, communities, current, profile.get());
                if (moderators.isPresent()) {
                    communities.replaceModerators(
                            c,
                            current.id(),
                            moderators.get().stream().map(Actor::id).toList());
                }
                return null;
            });
        } catch (RuntimeException e) {
            // What we know of the community stays; the actor itself was stored.
            log.warn("could not update the community {} from its Group: {}", group.uri(), e.toString());
        }
    }
}
