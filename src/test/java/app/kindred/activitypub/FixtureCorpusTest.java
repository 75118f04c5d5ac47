package app.kindred.activitypub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import app.kindred.InteropFixtures;
import app.kindred.activitypub.ReadResult.Malformed;
import app.kindred.activitypub.ReadResult.Supported;
import app.kindred.activitypub.ReadResult.Unsupported;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Reads every document of the shared interop corpus (real JSON from 14 servers) and checks what
 * each one means, not only that it parses. Without the corpus it skips, or fails under CI.
 */
class FixtureCorpusTest {

    private static final Path FIXTURES = InteropFixtures.DIR;

    private static final String PEM_START = "-----BEGIN PUBLIC KEY-----";
    /** Mobilizon publishes PKCS#1 instead of SubjectPublicKeyInfo; the key parser must take both. */
    private static final String PKCS1_PEM_START = "-----BEGIN RSA PUBLIC KEY-----";

    /** Valid ActivityPub we deliberately do not model: Lemmy's Warn and Pleroma-style chats. */
    private static final Set<String> EXPECTED_UNSUPPORTED = Set.of(
            "lemmy/activities/community/warn.json",
            "lemmy/activities/create_or_update/create_private_message_0.19.json",
            "pleroma/objects/chat_message.json");

    private final ActivityPubReader reader = new ActivityPubReader();

    @TestFactory
    Stream<DynamicTest> everyFixtureReadsToItsMeaning() throws IOException {
        InteropFixtures.require("FixtureCorpusTest");
        List<Path> files;
        try (Stream<Path> walk = Files.walk(FIXTURES)) {
            files = walk.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        Map<String, Consumer<ReadResult>> expectations = specificExpectations();
        Set<String> seen = new HashSet<>();
        Map<String, Integer> tally = new LinkedHashMap<>();

        List<DynamicTest> tests = new ArrayList<>();
        for (Path file : files) {
            String name = FIXTURES.relativize(file).toString().replace('\\', '/');
            tests.add(DynamicTest.dynamicTest(name, () -> {
                seen.add(name);
                ReadResult result = reader.read(Files.readAllBytes(file));
                tally.merge(result.getClass().getSimpleName(), 1, Integer::sum);
                checkGeneralMeaning(name, result);
                Consumer<ReadResult> specific = expectations.get(name);
                if (specific != null) {
                    specific.accept(result);
                }
            }));
        }
        tests.add(DynamicTest.dynamicTest(
                "every document was read, and every specific expectation names a real file", () -> {
                    assertEquals(files.size(), seen.size(), "documents read vs .json files found");
                    for (String expected : expectations.keySet()) {
                        assertTrue(seen.contains(expected), "no fixture named " + expected);
                    }
                    System.out.printf("interop corpus: %d documents, %s%n", seen.size(), tally);
                    assertEquals(files.size() - EXPECTED_UNSUPPORTED.size(), tally.get("Supported"));
                    assertEquals(EXPECTED_UNSUPPORTED.size(), tally.get("Unsupported"));
                }));
        return tests.stream();
    }

    private static void checkGeneralMeaning(String name, ReadResult result) {
        if (EXPECTED_UNSUPPORTED.contains(name)) {
            Unsupported unsupported = assertInstanceOf(Unsupported.class, result, name);
            assertNotNull(unsupported.type());
            assertFalse(unsupported.reason().isBlank());
            return;
        }
        if (result instanceof Malformed malformed) {
            fail(name + " read as malformed: " + malformed.reason());
        }
        Supported supported = assertInstanceOf(Supported.class, result, name);
        checkDocument(supported.document());
    }

    private static void checkDocument(ActivityPubDocument document) {
        assertTrue(ActivityPubReader.isHttpUri(document.id()), "id " + document.id());
        switch (document) {
            case Actor actor -> {
                assertTrue(ActivityPubReader.isHttpUri(actor.inbox()), "inbox " + actor.inbox());
                if (actor.publicKey() != null) {
                    assertNotNull(actor.publicKey().id(), "key id");
                    // Owner equals id everywhere but gnusocial's group (checked below): a signature concern.
                    assertTrue(ActivityPubReader.isHttpUri(actor.publicKey().owner()), "key owner");
                    String pem = actor.publicKey().publicKeyPem();
                    assertTrue(pem.startsWith(PEM_START) || pem.startsWith(PKCS1_PEM_START), "PEM " + pem);
                }
            }
            case ContentObject object -> {
                assertFalse(object.attributedTo().isEmpty(), "attributedTo of " + object.id());
                assertTrue(
                        object.content() != null || object.name() != null,
                        "neither content nor name on " + object.id());
            }
            case Activity activity -> {
                assertTrue(ActivityPubReader.isHttpUri(activity.actor()), "actor " + activity.actor());
                for (Ref object : activity.objects()) {
                    assertNotNull(object.uri(), "object reference of " + activity.id());
                }
            }
            case Tombstone tombstone -> assertEquals("Tombstone", tombstone.typeName());
            case ActivityPubCollection collection -> assertNotNull(collection.type());
        }
    }

    // ---- specific expectations, written from the files themselves ----

    private static Map<String, Consumer<ReadResult>> specificExpectations() {
        Map<String, Consumer<ReadResult>> e = new LinkedHashMap<>();

        e.put("lemmy/objects/group.json", r -> {
            Actor group = actor(r, ActorType.Group);
            assertEquals("https://enterprise.lemmy.ml/c/tenforward", group.id());
            assertEquals("tenforward", group.preferredUsername());
            assertEquals("Ten Forward", group.name());
            assertEquals("https://enterprise.lemmy.ml/c/tenforward/inbox", group.inbox());
            assertEquals("https://enterprise.lemmy.ml/c/tenforward/outbox", group.outbox());
            assertEquals("https://enterprise.lemmy.ml/c/tenforward/followers", group.followers());
            assertEquals("https://enterprise.lemmy.ml/c/tenforward/moderators", group.moderators());
            assertEquals("https://enterprise.lemmy.ml/c/tenforward//featured", group.featured());
            assertEquals("https://enterprise.lemmy.ml/inbox", group.sharedInbox());
            assertEquals(Boolean.FALSE, group.postingRestrictedToMods());
            assertEquals(Boolean.FALSE, group.sensitive());
            assertEquals(
                    "https://enterprise.lemmy.ml/c/tenforward#main-key",
                    group.publicKey().id());
            assertEquals(group.id(), group.publicKey().owner());
            assertEquals(
                    "https://enterprise.lemmy.ml/pictrs/image/waqyZwLAy4.webp",
                    group.icon().url());
            assertEquals(
                    "https://enterprise.lemmy.ml/pictrs/image/Wt8zoMcCmE.jpg",
                    group.image().url());
            assertEquals("text/markdown", group.source().mediaType());
            assertEquals("2019-06-02T16:43:50.799554Z", group.published().toString());
        });
        e.put("mobilizon/objects/group.json", r -> {
            Actor group = actor(r, ActorType.Group);
            assertEquals(group.id(), group.publicKey().owner());
            assertTrue(group.publicKey().publicKeyPem().startsWith(PKCS1_PEM_START));
        });
        e.put("gnusocial/objects/group.json", r -> {
            Actor group = actor(r, ActorType.Group);
            // The served key names another actor as owner; verification must refuse it, not the reader.
            assertEquals("https://instance.gnusocial.test/actor/21", group.id());
            assertEquals(
                    "https://instance.gnusocial.test/actor/2", group.publicKey().owner());
        });
        e.put(
                "gnusocial/activities/like_note.json",
                r -> assertEquals(
                        "https://another_instance.gnusocial.test/activity/41362",
                        activity(r, ActivityType.Like).id()));
        e.put("lemmy/objects/person.json", r -> {
            Actor person = actor(r, ActorType.Person);
            assertEquals("picard", person.preferredUsername());
            assertEquals("@picard:matrix.org", person.matrixUserId());
            assertEquals("https://enterprise.lemmy.ml/u/picard/inbox", person.inbox());
            assertNull(person.moderators());
        });
        e.put("lemmy/objects/instance.json", r -> {
            Actor instance = actor(r, ActorType.Application);
            assertEquals("https://enterprise.lemmy.ml/", instance.id());
            assertEquals("https://enterprise.lemmy.ml/inbox", instance.inbox());
            assertEquals(
                    "https://enterprise.lemmy.ml/#main-key",
                    instance.publicKey().id());
        });
        e.put("mbin/objects/instance.json", r -> {
            Actor instance = actor(r, ActorType.Application);
            assertEquals("https://fedia.io/i/inbox", instance.inbox());
            assertEquals(Boolean.TRUE, instance.manuallyApprovesFollowers());
        });
        e.put("mastodon/objects/person.json", r -> {
            Actor person = actor(r, ActorType.Person);
            assertEquals("https://masto.qa.urbanwildlife.biz/users/mastodon/collections/featured", person.featured());
            assertEquals("https://masto.qa.urbanwildlife.biz/@mastodon", person.url());
            assertEquals(Boolean.FALSE, person.discoverable());
            assertEquals("https://masto.qa.urbanwildlife.biz/inbox", person.sharedInbox());
            assertEquals("image/png", person.icon().mediaType());
        });
        e.put("friendica/objects/person_2.json", r -> actor(r, ActorType.Organization));
        e.put("wordpress/objects/group.json", r -> {
            Actor group = actor(r, ActorType.Group);
            assertEquals("https://dbzer0.com/wp-json/activitypub/1.0/collections/moderators", group.moderators());
            assertEquals("https://dbzer0.com/wp-json/activitypub/1.0/actors/0/inbox", group.inbox());
        });
        e.put("peertube/objects/group.json", r -> {
            Actor channel = actor(r, ActorType.Group);
            // PeerTube names the owning account, not a moderators collection.
            assertEquals(List.of("https://tilvids.com/accounts/thelinuxexperiment"), channel.attributedTo());
            assertNull(channel.moderators());
            assertEquals(Boolean.TRUE, channel.postingRestrictedToMods());
            assertTrue(channel.icon().url().endsWith("1bbe97f1-d283-4db4-8bdd-e5320564aff9.jpg"));
        });
        e.put("lemmy/objects/page.json", r -> {
            ContentObject page = content(r, ObjectType.Page);
            assertEquals("https://enterprise.lemmy.ml/u/picard", page.author());
            assertEquals("https://enterprise.lemmy.ml/c/tenforward", page.audience());
            assertEquals("Post title", page.name());
            assertEquals("<p>This is a post in the /c/tenforward community</p>\n", page.content());
            assertEquals(
                    "This is a post in the /c/tenforward community",
                    page.source().content());
            assertEquals(List.of("fr"), page.languages());
            assertEquals(
                    List.of(new Link("https://enterprise.lemmy.ml/pictrs/image/eOtYb9iEiB.png", null, null)),
                    page.attachment());
            // The CommunityPostTag is skipped; the community mention is kept.
            assertEquals(
                    List.of(new Tag.Mention(
                            "https://enterprise.lemmy.ml/c/tenforward", "@tenforward@enterprise.lemmy.ml")),
                    page.tag());
            assertNull(page.inReplyTo());
        });
        e.put("lemmy/objects/page_image_and_link.json", r -> {
            ContentObject page = content(r, ObjectType.Page);
            assertEquals(
                    List.of(
                            new Image("https://enterprise.lemmy.ml/pictrs/image/eOtYb9iEiB.png", "image/png", null),
                            new Link("https://example.com/some-article", "text/html", null)),
                    page.attachment());
        });
        e.put("lemmy/objects/comment.json", r -> {
            ContentObject comment = content(r, ObjectType.Note);
            assertEquals("https://enterprise.lemmy.ml/post/55143", comment.inReplyTo());
            assertEquals("https://enterprise.lemmy.ml/c/tenforward", comment.audience());
            assertEquals("<p>first comment!</p>\n", comment.content());
            assertEquals(Boolean.FALSE, comment.distinguished());
            assertEquals(2, comment.tag().size());
        });
        e.put("lemmy/objects/tombstone.json", r -> {
            Tombstone tombstone = document(r, Tombstone.class);
            assertEquals("https://lemmy.ml/comment/110273", tombstone.id());
        });
        e.put(
                "lotide/objects/tombstone.json",
                r -> assertEquals("Note", document(r, Tombstone.class).formerType()));
        e.put("mastodon/objects/note_2.json", r -> {
            ContentObject note = content(r, ObjectType.Note);
            assertEquals("https://floss.social/users/kde", note.author());
            assertEquals("https://floss.social/users/kde/statuses/113306824627995724", note.inReplyTo());
            assertEquals(List.of("en"), note.languages());
            assertTrue(note.cc().contains("https://lemmy.kde.social/c/kde"));
            MediaDocument image =
                    assertInstanceOf(MediaDocument.class, note.attachment().getFirst());
            assertEquals("Document", image.type());
            assertEquals("image/jpeg", image.mediaType());
            assertTrue(image.name().startsWith("The KDE dragons"));
            assertNull(note.summary());
        });
        e.put("peertube/objects/video.json", r -> {
            ContentObject video = content(r, ObjectType.Video);
            // attributedTo is a list of embedded stubs: account first, then channel.
            assertEquals(
                    List.of(
                            "https://tilvids.com/accounts/thelinuxexperiment",
                            "https://tilvids.com/video-channels/thelinuxexperiment_channel"),
                    video.attributedTo());
            assertEquals("https://tilvids.com/videos/watch/e7946124-7b72-4ad7-9d22-844a84bb2de1", video.url());
            assertEquals(List.of("en"), video.languages());
            assertNotNull(video.content());
        });
        e.put("mobilizon/objects/event.json", r -> {
            ContentObject event = content(r, ObjectType.Event);
            assertEquals("Caledonian scottish dance class", event.name());
            assertEquals("2022-12-11T19:00:00Z", event.startTime().toString());
            assertEquals("2022-12-11T21:00:00Z", event.endTime().toString());
            assertEquals(3, event.tag().size());
            assertInstanceOf(Tag.Hashtag.class, event.tag().getFirst());
        });
        e.put("nodebb/objects/page.json", r -> content(r, ObjectType.Article));

        e.put("mastodon/activities/flag.json", r -> {
            Activity flag = activity(r, ActivityType.Flag);
            assertEquals("https://mastodon.example/actor", flag.actor());
            assertEquals(
                    List.of(
                            "https://example.com/users/1",
                            "https://example.com/posts/380590",
                            "https://example.com/posts/380591"),
                    flag.objects().stream().map(Ref::uri).toList());
            assertEquals("Please take a look at this user and their posts", flag.content());
            assertEquals(List.of("https://example.com/users/1"), flag.to());
        });
        e.put("mbin/activities/flag.json", r -> {
            Activity flag = activity(r, ActivityType.Flag);
            assertEquals(
                    List.of("https://lemmy-test/post/4", "https://lemmy-test/u/BentiGorlich"),
                    flag.objects().stream().map(Ref::uri).toList());
            assertEquals("https://lemmy-test/c/test_mag", flag.audience());
            assertEquals("dikjhgasdpas dsaü", flag.summary());
        });
        e.put("lemmy/activities/community/report_page.json", r -> {
            Activity flag = activity(r, ActivityType.Flag);
            assertEquals(new Ref.Id("http://enterprise.lemmy.ml/post/7"), flag.object());
            assertEquals("report this post", flag.summary());
            assertEquals(List.of("http://enterprise.lemmy.ml/c/main"), flag.to());
        });
        e.put("lemmy/activities/community/resolve_report_page.json", r -> {
            Activity resolve = activity(r, ActivityType.Resolve);
            Activity flag = embedded(resolve.object(), Activity.class);
            assertEquals(ActivityType.Flag, flag.type());
            assertEquals("http://ds9.lemmy.ml/activities/flag/98b0933f-5e45-4a95-a15f-e0dc86361ba4", flag.id());
            assertEquals("http://ds9.lemmy.ml/u/lemmy_alpha", flag.actor());
        });
        e.put("lemmy/activities/create_or_update/create_comment.json", r -> {
            Activity create = activity(r, ActivityType.Create);
            assertEquals("http://ds9.lemmy.ml/u/lemmy_alpha", create.actor());
            ContentObject note = embedded(create.object(), ContentObject.class);
            assertEquals(ObjectType.Note, note.type());
            assertEquals("http://ds9.lemmy.ml/post/1", note.inReplyTo());
            assertEquals("https://enterprise.lemmy.ml/c/main", note.audience());
            assertEquals("hello", note.source().content());
            assertEquals(1, create.tag().size());
        });
        e.put("lemmy/activities/community/announce_create_page.json", r -> {
            Activity announce = activity(r, ActivityType.Announce);
            assertEquals("http://enterprise.lemmy.ml/c/main", announce.actor());
            Activity create = embedded(announce.object(), Activity.class);
            assertEquals(ActivityType.Create, create.type());
            ContentObject page = embedded(create.object(), ContentObject.class);
            assertEquals("http://enterprise.lemmy.ml/post/7", page.id());
            assertEquals(Boolean.FALSE, page.stickied());
            assertEquals(Boolean.TRUE, page.commentsEnabled());
        });
        e.put("lemmy/activities/community/add_mod.json", r -> {
            Activity add = activity(r, ActivityType.Add);
            assertEquals(new Ref.Id("http://ds9.lemmy.ml/u/lemmy_alpha"), add.object());
            assertEquals(new Ref.Id("http://enterprise.lemmy.ml/c/main/moderators"), add.target());
        });
        e.put("lemmy/activities/community/lock_page.json", r -> {
            Activity lock = activity(r, ActivityType.Lock);
            assertEquals("http://lemmy-alpha:8541/post/2", lock.object().uri());
            assertEquals("A reason for the lock", lock.summary());
        });
        e.put(
                "lemmy/activities/community/undo_lock_page.json",
                r -> assertEquals(
                        ActivityType.Lock,
                        embedded(activity(r, ActivityType.Undo).object(), Activity.class)
                                .type()));
        e.put("lemmy/activities/block/block_user.json", r -> {
            Activity block = activity(r, ActivityType.Block);
            assertEquals(Boolean.TRUE, block.removeData());
            assertEquals("2021-11-01T12:23:50.151874Z", block.endTime().toString());
            assertEquals("spam post", block.summary());
            assertEquals("http://enterprise.lemmy.ml/c/main", block.target().uri());
        });
        e.put("lemmy/activities/deletion/delete_user.json", r -> {
            Activity delete = activity(r, ActivityType.Delete);
            assertEquals(delete.actor(), delete.object().uri());
            assertEquals(Boolean.TRUE, delete.removeData());
        });
        e.put("lemmy/activities/community/update_community.json", r -> {
            Actor group = embedded(activity(r, ActivityType.Update).object(), Actor.class);
            assertEquals("The Updated Community", group.name());
            assertEquals("https://enterprise.lemmy.ml/c/main/moderators", group.moderators());
        });
        e.put("lemmy/activities/following/accept.json", r -> {
            Activity accept = activity(r, ActivityType.Accept);
            Activity follow = embedded(accept.object(), Activity.class);
            assertEquals(ActivityType.Follow, follow.type());
            assertEquals("http://enterprise.lemmy.ml/c/main", follow.object().uri());
        });
        e.put(
                "mitra/activities/accept.json",
                r -> assertEquals(
                        new Ref.Id("https://voyager.lemmy.ml/activities/follow/7d782f02-b91d-4455-b6c0-772540f00c2d"),
                        activity(r, ActivityType.Accept).object()));
        e.put("mastodon/activities/undo_follow.json", r -> {
            Activity follow = embedded(activity(r, ActivityType.Undo).object(), Activity.class);
            assertEquals("https://ds9.lemmy.ml/c/testcom", follow.object().uri());
        });
        e.put(
                "mastodon/activities/delete.json",
                r -> assertEquals(
                        "https://mastodon.madrid/users/felix/statuses/107773559874184870",
                        embedded(activity(r, ActivityType.Delete).object(), Tombstone.class)
                                .id()));
        e.put("lotide/activities/create_note_reply.json", r -> {
            Activity create = activity(r, ActivityType.Create);
            // lotide addresses with a bare string where others use an array.
            assertEquals(List.of("https://c.tide.tk/users/1"), create.to());
            ContentObject note = embedded(create.object(), ContentObject.class);
            assertEquals("https://c.tide.tk/posts/51", note.inReplyTo());
            assertEquals(List.of("https://c.tide.tk/users/1"), note.to());
        });
        e.put("wordpress/activities/announce.json", r -> {
            Activity update = embedded(activity(r, ActivityType.Announce).object(), Activity.class);
            assertEquals(ActivityType.Update, update.type());
            ContentObject article = embedded(update.object(), ContentObject.class);
            assertEquals(ObjectType.Article, article.type());
            assertEquals("https://pfefferle.org/author/pfefferle/", article.author());
        });
        e.put("mitra/activities/create_post.json", r -> {
            ContentObject note = embedded(activity(r, ActivityType.Create).object(), ContentObject.class);
            assertEquals("https://voyager.lemmy.ml/c/pubtest0906", note.audience());
            assertEquals(List.of("da"), note.languages());
        });
        e.put(
                "peertube/activities/announce_video.json",
                r -> assertEquals(
                        "https://tilvids.com/video-channels/thelinuxexperiment_channel",
                        activity(r, ActivityType.Announce).actor()));
        e.put(
                "friendica/activities/undo_dislike_page.json",
                r -> assertEquals(
                        ActivityType.Dislike,
                        embedded(activity(r, ActivityType.Undo).object(), Activity.class)
                                .type()));

        e.put("lemmy/collections/group_moderators.json", r -> {
            ActivityPubCollection moderators = document(r, ActivityPubCollection.class);
            assertEquals(CollectionType.OrderedCollection, moderators.type());
            assertEquals(List.of(new Ref.Id("https://enterprise.lemmy.ml/u/picard")), moderators.items());
        });
        e.put("lemmy/collections/group_followers.json", r -> {
            ActivityPubCollection followers = document(r, ActivityPubCollection.class);
            assertEquals(CollectionType.Collection, followers.type());
            assertEquals(3, followers.totalItems());
            assertTrue(followers.items().isEmpty());
        });
        e.put("lemmy/collections/group_outbox.json", r -> {
            ActivityPubCollection outbox = document(r, ActivityPubCollection.class);
            assertEquals(2, outbox.items().size());
            Activity announce = embedded(outbox.items().getFirst(), Activity.class);
            assertEquals(ActivityType.Announce, announce.type());
        });
        e.put("lemmy/collections/group_featured_posts.json", r -> {
            ActivityPubCollection featured = document(r, ActivityPubCollection.class);
            assertEquals(
                    List.of("https://ds9.lemmy.ml/post/2", "https://ds9.lemmy.ml/post/1"),
                    featured.items().stream().map(Ref::uri).toList());
            assertEquals(
                    ObjectType.Page,
                    embedded(featured.items().getFirst(), ContentObject.class).type());
        });
        e.put("mastodon/collections/featured.json", r -> {
            ContentObject pinned =
                    embedded(document(r, ActivityPubCollection.class).items().getFirst(), ContentObject.class);
            assertEquals(3, pinned.tag().size());
            assertEquals(
                    new Tag.Hashtag("https://mastodon.social/tags/reddit", "#reddit"),
                    pinned.tag().getFirst());
        });
        e.put(
                "lemmy/activities/community/warn.json",
                r -> assertEquals("Warn", assertInstanceOf(Unsupported.class, r).type()));
        e.put("lemmy/activities/create_or_update/create_private_message_0.19.json", r -> {
            Unsupported unsupported = assertInstanceOf(Unsupported.class, r);
            assertEquals("Create", unsupported.type());
            assertTrue(unsupported.reason().contains("ChatMessage"), unsupported.reason());
        });
        return e;
    }

    private static <T extends ActivityPubDocument> T document(ReadResult result, Class<T> type) {
        Supported supported = assertInstanceOf(Supported.class, result);
        return assertInstanceOf(type, supported.document());
    }

    private static Actor actor(ReadResult result, ActorType type) {
        Actor actor = document(result, Actor.class);
        assertEquals(type, actor.type());
        return actor;
    }

    private static ContentObject content(ReadResult result, ObjectType type) {
        ContentObject object = document(result, ContentObject.class);
        assertEquals(type, object.type());
        return object;
    }

    private static Activity activity(ReadResult result, ActivityType type) {
        Activity activity = document(result, Activity.class);
        assertEquals(type, activity.type());
        return activity;
    }

    private static <T extends ActivityPubDocument> T embedded(Ref ref, Class<T> type) {
        Ref.Embedded embedded = assertInstanceOf(Ref.Embedded.class, ref);
        return assertInstanceOf(type, embedded.value());
    }
}
