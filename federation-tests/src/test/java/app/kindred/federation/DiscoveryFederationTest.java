package app.kindred.federation;

import static org.junit.jupiter.api.Assertions.*;

import app.kindred.actor.ActorType;
import app.kindred.federation.harness.FedifyPeer;
import app.kindred.federation.harness.KindredInstance;
import app.kindred.federation.signature.VerificationKey;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two Kindred instances and a Fedify peer find and read each other. */
class DiscoveryFederationTest {
    static KindredInstance alpha, beta;
    static FedifyPeer fedify;

    @BeforeAll
    static void start() throws Exception {
        alpha = KindredInstance.start("alpha");
        beta = KindredInstance.start("beta");
        alpha.createMember("alice");
        alpha.createCommunity("peers", "Peer support", "alice");
        fedify = FedifyPeer.start();
    }

    @AfterAll
    static void stop() {
        if (fedify != null) fedify.close();
        if (beta != null) beta.close();
        if (alpha != null) alpha.close();
    }

    @Test
    void fedifyFindsTheCommunityByWebFingerAndReadsItsKeys() throws Exception {
        var result = fedify.lookup("acct:" + alpha.handle("peers"));
        assertEquals(200, result.get("httpStatus").asInt(), result.toString());
        var group = result.get("body");
        assertEquals("Group", group.get("type").asText());
        assertEquals(alpha.baseUrl() + "/c/peers", group.get("id").asText());
        assertEquals("peers", group.get("preferredUsername").asText());
        assertEquals("Peer support", group.get("name").asText());
        assertEquals(alpha.baseUrl() + "/c/peers/inbox", group.get("inbox").asText());
        assertEquals(alpha.baseUrl() + "/inbox", group.get("sharedInbox").asText());
        assertEquals(
                alpha.baseUrl() + "/c/peers#main-key", group.get("publicKeyId").asText());
        assertEquals(alpha.baseUrl() + "/c/peers", group.get("publicKeyOwner").asText());

        // The RSA key Fedify read is the one we hold, and a usable RSA-2048 key.
        var stored = alpha.app().remoteActors().byUri(java.net.URI.create(alpha.baseUrl() + "/c/peers"));
        var rsa = (VerificationKey.RsaKey)
                VerificationKey.fromPem(group.get("publicKeyPem").asText());
        assertEquals(2048, rsa.key().getModulus().bitLength());
        assertEquals(VerificationKey.fromPem(stored.publicKeyPem()), rsa);

        // The Ed25519 key comes through as a FEP-521a Multikey Fedify can use.
        var multikeys = group.get("multikeys");
        boolean found = false;
        for (var k : multikeys) {
            if (k.get("publicKeyMultibase").asText().equals(stored.ed25519Multibase())) {
                found = true;
                assertEquals(
                        alpha.baseUrl() + "/c/peers#ed25519-key", k.get("id").asText());
                assertEquals(alpha.baseUrl() + "/c/peers", k.get("controller").asText());
                assertEquals("Ed25519", k.get("algorithm").asText(), k.toString());
            }
        }
        assertTrue(found, "no Ed25519 Multikey in " + multikeys);
    }

    @Test
    void fedifyFindsAMemberAsAPersonWhoIsNotDiscoverable() throws Exception {
        var person = fedify.lookup("acct:" + alpha.handle("alice")).get("body");
        assertEquals("Person", person.get("type").asText(), person.toString());
        assertEquals(alpha.baseUrl() + "/u/alice", person.get("id").asText());
        assertFalse(person.get("discoverable").asBoolean(true), person.toString());
    }

    @Test
    void fedifyReadsNodeInfoAndTheInstanceActor() throws Exception {
        var nodeInfo = fedify.nodeInfo(alpha.baseUrl());
        assertEquals(200, nodeInfo.get("httpStatus").asInt(), nodeInfo.toString());
        var body = nodeInfo.get("body");
        assertTrue(body.get("valid").asBoolean(), body.toString());
        assertEquals("kindred", body.at("/nodeinfo/software/name").asText(), body.toString());
        assertEquals("activitypub", body.at("/nodeinfo/protocols/0").asText(), body.toString());
        assertEquals(1, body.at("/nodeinfo/usage/users/total").asInt(), body.toString());

        var instance = fedify.lookup(alpha.baseUrl() + "/actor").get("body");
        assertEquals("Application", instance.get("type").asText(), instance.toString());
        assertEquals(alpha.baseUrl() + "/actor", instance.get("id").asText());
        assertTrue(instance.get("publicKeyPem").asText().startsWith("-----BEGIN PUBLIC KEY-----"));
    }

    @Test
    void oneKindredResolvesAnothersCommunityThroughWebFinger() throws Exception {
        var community = beta.app().remoteActors().resolve("!" + alpha.handle("peers"));
        assertEquals(ActorType.GROUP, community.type());
        assertFalse(community.local());
        assertEquals(alpha.baseUrl() + "/c/peers", community.uri().toString());
        assertEquals(alpha.baseUrl() + "/c/peers/inbox", community.inbox().toString());
        assertEquals(alpha.baseUrl() + "/inbox", community.sharedInbox().toString());
        assertEquals(alpha.domain(), community.domain());
        assertTrue(community.publicKeyPem().startsWith("-----BEGIN PUBLIC KEY-----"));
        assertTrue(community.ed25519Multibase().startsWith("z6Mk"));

        var member = beta.app().remoteActors().resolve("@" + alpha.handle("alice"));
        assertEquals(ActorType.PERSON, member.type());
        assertEquals(alpha.baseUrl() + "/u/alice", member.uri().toString());
    }
}
