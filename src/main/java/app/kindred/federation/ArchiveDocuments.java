package app.kindred.federation;

import app.kindred.activitypub.ActivityPubJson;
import app.kindred.actor.ActorStore;
import app.kindred.care.Exports;
import app.kindred.community.CommunityStore;
import app.kindred.thread.PostStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/** Our members' posts as we publish them, for their exports' outbox.json (issue 18). */
public final class ArchiveDocuments implements Exports.Documents {
    private static final ObjectMapper JSON = ActivityPubJson.newMapper();

    private final ActorStore actors;
    private final CommunityStore communities;
    private final PostStore posts;

    public ArchiveDocuments(ActorStore actors, CommunityStore communities, PostStore posts) {
        this.actors = actors;
        this.communities = communities;
        this.posts = posts;
    }

    @Override
    public Optional<JsonNode> object(Connection c, long postId) throws SQLException {
        var found = posts.findById(c, postId).filter(p -> !p.deleted() && !p.removed());
        if (found.isEmpty()) return Optional.empty();
        var p = found.get();
        var author = actors.findById(c, p.authorId()).orElseThrow();
        var community = communities.findById(c, p.communityId()).orElseThrow();
        var parent = p.parentId() == null
                ? null
                : posts.findById(c, p.parentId()).orElseThrow().uri();
        return Optional.of(JSON.valueToTree(
                PostDocuments.write(p, author.uri(), community.actor().uri(), parent)));
    }
}
