package app.kindred.policy;

import static org.junit.jupiter.api.Assertions.*;

import app.kindred.TestServer;
import app.kindred.actor.ActorStore;
import app.kindred.actor.ActorType;
import app.kindred.actor.DomainPattern;
import app.kindred.actor.RemoteActorData;
import app.kindred.member.Role;
import app.kindred.thread.PostStore;
import app.kindred.thread.ThreadService;
import java.net.URI;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A limited instance's threads stay stored but are kept out of community listings until the limit is lifted. */
class LimitedListingTest {
    @Test
    void limitedInstancesThreadsLeaveListingsAndComeBackWhenUnblocked() {
        try (var server = TestServer.start()) {
            var app = server.app();
            var alice = app.members().create("alice", "a long password", Role.MEMBER);
            var community = app.communities().create("peers", "Peers", "", "alice");
            app.threads()
                    .startThread(
                            alice, community.id(), new ThreadService.Draft("Local thread", "hello", null, null, null));
            app.database().transaction(c -> {
                var remote = new ActorStore(app.ids())
                        .upsertRemote(
                                c,
                                new RemoteActorData(
                                        URI.create("https://loud.example/u/x"),
                                        ActorType.PERSON,
                                        "x",
                                        "X",
                                        URI.create("https://loud.example/u/x/inbox"),
                                        null,
                                        null,
                                        null,
                                        null,
                                        null,
                                        null,
                                        null));
                return new PostStore()
                        .insert(
                                c,
                                new PostStore.NewPost(
                                        URI.create("https://loud.example/p/1"),
                                        community.id(),
                                        remote.id(),
                                        null,
                                        null,
                                        false,
                                        "Page",
                                        "Remote thread",
                                        "<p>hi</p>",
                                        null,
                                        null,
                                        false,
                                        null,
                                        null,
                                        Instant.now(),
                                        null,
                                        "{}"));
            });
            assertEquals(
                    2,
                    app.threads()
                            .threads(community.id(), PostStore.Sort.NEW, 20, 0)
                            .size());

            app.policyService()
                    .block(
                            new DomainBlock(
                                    DomainPattern.parse("loud.example"),
                                    DomainBlock.Severity.LIMIT,
                                    false,
                                    false,
                                    "",
                                    "",
                                    false,
                                    null),
                            "admin",
                            "");
            var listed = app.threads().threads(community.id(), PostStore.Sort.NEW, 20, 0);
            assertEquals(1, listed.size());
            assertEquals("Local thread", listed.getFirst().title());
            assertTrue(server.get("/api/v1/communities/" + community.id() + "/threads?sort=new", "application/json")
                    .body()
                    .contains("Local thread"));
            assertFalse(server.get("/api/v1/communities/" + community.id() + "/threads?sort=new", "application/json")
                    .body()
                    .contains("Remote thread"));

            app.policyService().unblock(DomainPattern.parse("loud.example"), "admin", "");
            assertEquals(
                    2,
                    app.threads()
                            .threads(community.id(), PostStore.Sort.NEW, 20, 0)
                            .size());
        }
    }
}
