package app.kindred.federation;

import static org.junit.jupiter.api.Assertions.*;

import app.kindred.federation.harness.FedifyPeer;
import app.kindred.federation.harness.KindredInstance;
import app.kindred.storage.Sql;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Signed HTTP both ways between Kindred and a real Fedify server. */
class SignaturesFederationTest {
    static KindredInstance alpha, locked;
    static FedifyPeer fedify;

    @BeforeAll
    static void start() throws Exception {
        alpha = KindredInstance.start("alpha");
        alpha.createMember("alice");
        alpha.createCommunity("peers", "Peer support", "alice");
        locked = KindredInstance.start("locked", Map.of("KINDRED_FEDERATION_AUTHORIZED_FETCH", "true"));
        locked.createMember("bob");
        locked.createCommunity("quiet", "Quiet room", "bob");
        fedify = FedifyPeer.start();
    }

    @AfterAll
    static void stop() {
        if (fedify != null) fedify.close();
        if (locked != null) locked.close();
        if (alpha != null) alpha.close();
    }

    private static String storedScheme(KindredInstance instance, String activityId) {
        return instance.app()
                .database()
                .read(c -> Sql.one(
                        c,
                        "select signature_scheme from inbound_activity where activity_id = ?",
                        rs -> rs.getString(1),
                        activityId))
                .orElse(null);
    }

    private static JsonNode follow(String signature) throws Exception {
        var result =
                fedify.post("/control/follow", Map.of("target", alpha.baseUrl() + "/c/peers", "signature", signature));
        assertEquals(200, result.get("httpStatus").asInt(), result.toString());
        return result.get("body");
    }

    @Test
    void followSignedWithRfc9421FirstIsVerifiedAndStored() throws Exception {
        var sent = follow("rfc9421");
        var attempts = sent.get("attempts");
        assertEquals(1, attempts.size(), "accepted at the first knock: " + attempts);
        assertEquals("rfc9421", attempts.get(0).get("signature").asText(), attempts.toString());
        assertEquals(202, attempts.get(0).get("status").asInt(), attempts.toString());
        assertEquals("rfc9421", storedScheme(alpha, sent.get("id").asText()));
    }

    @Test
    void followSignedWithDraftCavageIsVerifiedAndStored() throws Exception {
        var sent = follow("draft-cavage");
        var attempts = sent.get("attempts");
        assertEquals(1, attempts.size(), attempts.toString());
        assertEquals("draft-cavage", attempts.get(0).get("signature").asText(), attempts.toString());
        assertEquals(202, attempts.get(0).get("status").asInt(), attempts.toString());
        assertEquals("cavage", storedScheme(alpha, sent.get("id").asText()));
    }

    @Test
    void unsignedPostIsRefusedAndNothingStored() throws Exception {
        var id = "http://" + fedify.domain() + "/activities/unsigned-1";
        var activity = Map.of(
                "@context",
                "https://www.w3.org/ns/activitystreams",
                "id",
                id,
                "type",
                "Follow",
                "actor",
                "http://" + fedify.domain() + "/users/tester",
                "object",
                alpha.baseUrl() + "/c/peers");
        var result = fedify.post("/control/unsigned", Map.of("to", alpha.baseUrl() + "/inbox", "activity", activity))
                .get("body");
        assertEquals(401, result.get("status").asInt(), result.toString());
        assertTrue(result.get("body").asText().contains("missing signature"), result.toString());
        assertNull(storedScheme(alpha, id));
    }

    @Test
    void activitySignedByAnotherActorsKeyIsRefused() throws Exception {
        // Signed correctly by the Fedify tester, but claiming to come from alice on alpha.
        var id = alpha.baseUrl() + "/activities/forged-1";
        var activity = Map.of(
                "@context",
                "https://www.w3.org/ns/activitystreams",
                "id",
                id,
                "type",
                "Follow",
                "actor",
                alpha.baseUrl() + "/u/alice",
                "object",
                alpha.baseUrl() + "/c/peers");
        var result = fedify.post(
                        "/control/send",
                        Map.of(
                                "to",
                                alpha.baseUrl() + "/inbox",
                                "activity",
                                activity,
                                "raw",
                                true,
                                "signature",
                                "draft-cavage"))
                .get("body");
        assertEquals(401, result.get("status").asInt(), result.toString());
        assertTrue(result.get("body").asText().contains("owner mismatch"), result.toString());
        assertNull(storedScheme(alpha, id));
    }

    @Test
    void replayedActivityIsAcceptedOnceAndNotStoredTwice() throws Exception {
        var id = "http://" + fedify.domain() + "/activities/replay-1";
        var activity = Map.of(
                "@context",
                "https://www.w3.org/ns/activitystreams",
                "id",
                id,
                "type",
                "Follow",
                "actor",
                "http://" + fedify.domain() + "/users/tester",
                "object",
                alpha.baseUrl() + "/c/peers");
        for (int i = 0; i < 2; i++) {
            var result = fedify.post(
                            "/control/send",
                            Map.of(
                                    "to",
                                    alpha.baseUrl() + "/c/peers/inbox",
                                    "activity",
                                    activity,
                                    "raw",
                                    true,
                                    "signature",
                                    "rfc9421"))
                    .get("body");
            assertEquals(202, result.get("status").asInt(), result.toString());
        }
        long stored = alpha.app()
                .database()
                .read(c -> Sql.count(c, "select count(*) from inbound_activity where activity_id = ?", id));
        assertEquals(1, stored);
    }

    @Test
    void authorizedFetchAnswersSignedGetsOnly() throws Exception {
        var group = locked.baseUrl() + "/c/quiet";
        var signed = fedify.get("/control/signed-get?url=" + java.net.URLEncoder.encode(group, "UTF-8"))
                .get("body");
        assertEquals(200, signed.get("status").asInt(), signed.toString());
        assertTrue(signed.get("body").asText().contains("\"type\":\"Group\""), signed.toString());

        var unsigned = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(group))
                                .header("Accept", "application/activity+json")
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(401, unsigned.statusCode(), unsigned.body());
        assertTrue(unsigned.body().contains("authorized fetch"), unsigned.body());

        // WebFinger, NodeInfo and the instance actor stay open.
        for (var open :
                new String[] {"/.well-known/webfinger?resource=acct:quiet@" + locked.domain(), "/nodeinfo/2.1", "/actor"
                }) {
            var response = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(locked.baseUrl() + open))
                                    .header("Accept", "application/activity+json")
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), open + ": " + response.body());
        }
    }
}
