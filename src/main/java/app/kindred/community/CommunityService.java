package app.kindred.community;

import app.kindred.actor.Actor;
import app.kindred.actor.ActorName;
import app.kindred.actor.ActorStore;
import app.kindred.actor.ActorType;
import app.kindred.actor.LocalIds;
import app.kindred.actor.LocalKeys;
import app.kindred.member.MemberStore;
import app.kindred.refusal.Refusal;
import app.kindred.storage.Database;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

public final class CommunityService {
    static final int MAX_TITLE = 100, MAX_DESCRIPTION = 10_000;

    private final Database db;
    private final ActorStore actors;
    private final MemberStore members;
    private final CommunityStore communities;
    private final LocalIds ids;
    private final SecureRandom random;

    public CommunityService(
            Database db,
            ActorStore actors,
            MemberStore members,
            CommunityStore communities,
            LocalIds ids,
            SecureRandom random) {
        this.db = db;
        this.actors = actors;
        this.members = members;
        this.communities = communities;
        this.ids = ids;
        this.random = random;
    }

    /** Creates a community (a Group actor with its keys) with a local member as its first moderator. */
    public Community create(String name, String title, String description, String moderatorUsername) {
        var actorName = new ActorName(name);
        var cleanTitle = title == null ? "" : title.strip();
        if (cleanTitle.isEmpty() || cleanTitle.length() > MAX_TITLE) {
            throw Refusal.invalid("title", "title must be 1 to " + MAX_TITLE + " characters");
        }
        var cleanDescription = description == null ? "" : description.strip();
        if (cleanDescription.length() > MAX_DESCRIPTION) {
            throw Refusal.invalid("description", "description must be at most " + MAX_DESCRIPTION + " characters");
        }
        var keys = LocalKeys.generate(random);
        return db.transaction(c -> {
            var moderator = members.findByUsername(c, moderatorUsername == null ? "" : moderatorUsername)
                    .orElseThrow(() -> Refusal.invalid(
                            "moderator",
                            "there is no local member \"" + moderatorUsername
                                    + "\"; create the member first or name an existing one"));
            if (actors.findLocal(c, actorName.value()).isPresent()) {
                throw Refusal.conflict(
                        "name", "the name \"" + actorName + "\" is taken by a member or community; choose another");
            }
            var actor = actors.insertLocal(
                    c, ActorType.GROUP, ids.community(actorName.value()), actorName.value(), cleanTitle, keys);
            long id = communities.insert(c, actor.id(), cleanTitle, cleanDescription);
            communities.addModerator(c, id, moderator.actor().id());
            return communities.byActor(c, actor).orElseThrow();
        });
    }

    public Optional<Community> find(String name) {
        return db.read(c -> communities.findByName(c, name));
    }

    public Optional<Community> find(long id) {
        return db.read(c -> communities.findById(c, id));
    }

    /** Whether the community is private (issue 17) and what it asks those who apply: public facts, on its Group too. */
    public Membership.Privacy privacy(long communityId) {
        return db.read(c -> Membership.privacy(c, communityId));
    }

    /** A community as the directory shows it: followers counted here, threads that are not deleted. */
    public record Listing(Community community, long followers, long threads) {}

    /** Local communities first, then remote ones known here, each group by title. */
    public List<Listing> directory() {
        return db.read(c -> {
            var out = new ArrayList<Listing>();
            for (var id : communities.allIds(c))
                out.add(listing(c, communities.findById(c, id).orElseThrow()));
            return out;
        });
    }

    public Optional<Listing> listing(long id) {
        return db.read(c -> {
            var community = communities.findById(c, id);
            return community.isEmpty() ? Optional.<Listing>empty() : Optional.of(listing(c, community.get()));
        });
    }

    private Listing listing(Connection c, Community community) throws SQLException {
        return new Listing(
                community,
                communities.followerCount(c, community.actor().id()),
                communities.threadCount(c, community.id()));
    }

    /** The numbered guidelines, first to last. */
    public List<Rule> rules(long communityId) {
        return db.read(c -> communities.rules(c, communityId));
    }

    public List<Actor> moderators(long communityId) {
        return db.read(c -> communities.moderators(c, communityId));
    }

    /** When each community last had a post or comment, by community id (none yet: absent). */
    public Map<Long, Instant> lastPosts() {
        return db.read(communities::lastPosts);
    }
}
