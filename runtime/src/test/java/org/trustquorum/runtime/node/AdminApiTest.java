package org.trustquorum.runtime.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.trustquorum.core.api.NodeError;
import org.trustquorum.core.crypto.RackSecret;
import org.trustquorum.core.engine.ApiRequest;
import org.trustquorum.core.engine.ApiResponse;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.RackId;
import org.trustquorum.core.model.Result;
import org.trustquorum.runtime.admin.AdminClient;
import org.trustquorum.runtime.admin.AdminServer;
import org.trustquorum.runtime.cp.ControlPlaneDriver;

/** The admin API over real HTTP: authentication, refusals with clear messages, and no secret ever in a body. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AdminApiTest {
    private static final RackId RACK = RackId.parse("0b7e2a1c-3f4d-4e5a-8b6c-7d8e9f0a1b2c");

    @TempDir
    Path dir;
    private LocalCluster cluster;
    private AdminClient admin;

    @BeforeEach
    void start(Vertx vertx) throws Exception {
        cluster = LocalCluster.start(vertx, dir, 3);
        admin = cluster.admin(cluster.id(1));
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    private AdminClient.Raw raw(AdminClient client, String method, String path, String body) throws Exception {
        return client.raw(method, path, body).get(LocalCluster.WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    private AdminClient.Raw raw(String method, String path, String body) throws Exception {
        return raw(admin, method, path, body);
    }

    private static void assertRefused(AdminClient.Raw r, int status, String code, String messagePart) {
        assertEquals(status, r.status(), r.text());
        assertNotNull(r.body(), "a JSON body");
        assertEquals(code, r.body().path("code").asText(), r.text());
        assertTrue(r.body().path("message").asText().contains(messagePart), r.text());
    }

    private void assertNodeStillServes() throws Exception {
        assertEquals(200, raw("GET", "/v1/status", null).status());
    }

    @Test
    void missingOrWrongTokenIs401WhateverThePath() throws Exception {
        int port = cluster.node(1).adminPort();
        AdminClient noToken = new AdminClient(LocalCluster.LOOPBACK, port, null);
        AdminClient wrongToken = new AdminClient(LocalCluster.LOOPBACK, port, LocalCluster.TOKEN + "x");
        assertRefused(raw(noToken, "GET", "/v1/status", null), 401, "Unauthorized", "token");
        assertRefused(raw(wrongToken, "GET", "/v1/status", null), 401, "Unauthorized", "token");
        assertRefused(raw(noToken, "POST", "/v1/load-secret", "{\"epoch\": 1}"), 401, "Unauthorized", "token");
        assertRefused(raw(noToken, "GET", "/no/such/path", null), 401, "Unauthorized", "token");
        assertRefused(raw(noToken, "GET", "/metrics", null), 401, "Unauthorized", "token");
        assertEquals(200, raw(noToken, "GET", "/health", null).status(), "health answers without a token");
        assertNodeStillServes();
    }

    @Test
    void malformedRequestsGetA400ThatSaysWhatIsWrong() throws Exception {
        assertRefused(raw("POST", "/v1/commit", "{\"rackId\": "), 400, "MalformedJson", "malformed JSON");
        assertRefused(raw("POST", "/v1/commit", "[1, 2]"), 400, "BadRequest", "must be a JSON object");
        assertRefused(raw("POST", "/v1/commit", "{\"rackId\": \"" + RACK + "\"}"), 400, "BadRequest",
                "missing field 'epoch'");
        assertRefused(raw("POST", "/v1/commit", "{\"rackId\": \"not-a-uuid\", \"epoch\": 1}"), 400, "BadRequest",
                "'rackId' must be a UUID");
        assertRefused(raw("POST", "/v1/commit", "{\"rackId\": \"" + RACK + "\", \"epoch\": -3}"), 400, "BadRequest",
                "unsigned 64-bit");
        assertRefused(raw("POST", "/v1/commit", "{\"rackId\": \"" + RACK + "\", \"epoch\": 1, \"epcoh\": 2}"), 400,
                "BadRequest", "unknown field 'epcoh'");
        assertRefused(raw("POST", "/v1/reconfigure", "{\"rackId\": \"" + RACK + "\", \"epoch\": 1, \"lastCommittedEpoch\": 0,"
                + " \"threshold\": 2, \"members\": [\"TQ-TEST:N01\", \"no-colon\", \"TQ-TEST:N03\"]}"), 400, "BadRequest",
                "members[1]");
        assertRefused(raw("POST", "/v1/proxy/status", "{\"to\": \":x\"}"), 400, "BadRequest", "PART:SERIAL");
        assertRefused(raw("POST", "/v1/prepare-and-commit", "{\"config\": {\"epoch\": 1}}"), 400, "BadRequest",
                "not a valid configuration");
        assertNodeStillServes();
    }

    @Test
    void aWatchIsAnsweredAtOnceForAnUnknownVersionAndHeldForTheCurrentOne() throws Exception {
        ApiResponse.Watched first = (ApiResponse.Watched) AdminClient.await(
                admin.call(new ApiRequest.Watch(ApiRequest.Watch.UNKNOWN_VERSION, ApiRequest.Watch.MAX_WAIT_MS)));
        assertEquals(cluster.id(1), first.status().id());
        long heldMs = 300;
        long t0 = System.nanoTime();
        ApiResponse.Watched second = (ApiResponse.Watched) AdminClient.await(
                admin.call(new ApiRequest.Watch(first.version(), heldMs)));
        long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
        if (second.version() == first.version()) {
            assertEquals(first.status(), second.status());
            assertTrue(elapsedMs >= heldMs, "an unchanged status is answered when the wait ends, not after " + elapsedMs + " ms");
        } else {
            assertFalse(first.status().equals(second.status()), "a new version means a new status");
        }
        AdminClient.Raw raw = raw("POST", "/v1/watch", "{\"knownVersion\": 0, \"maxWaitMs\": 5}");
        assertEquals(200, raw.status(), raw.text());
        assertTrue(raw.body().path("version").asLong() != 0 && raw.body().path("status").has("id"), raw.text());
    }

    @Test
    void malformedWatchesGetA400() throws Exception {
        assertRefused(raw("POST", "/v1/watch", "{\"knownVersion\": "), 400, "MalformedJson", "malformed JSON");
        assertRefused(raw("POST", "/v1/watch", "{\"knownVersion\": 1}"), 400, "BadRequest", "missing field 'maxWaitMs'");
        assertRefused(raw("POST", "/v1/watch", "{\"knownVersion\": -1, \"maxWaitMs\": 10}"), 400, "BadRequest",
                "non-negative");
        assertRefused(raw("POST", "/v1/watch", "{\"knownVersion\": 1, \"maxWaitMs\": " + (ApiRequest.Watch.MAX_WAIT_MS + 1)
                + "}"), 400, "BadRequest", "at most " + ApiRequest.Watch.MAX_WAIT_MS);
        assertRefused(raw("POST", "/v1/watch", "{\"knownVersion\": 1, \"maxWaitMs\": 10, \"x\": 1}"), 400, "BadRequest",
                "unknown field 'x'");
        assertRefused(raw("GET", "/v1/watch", null), 405, "MethodNotAllowed", "");
        assertNodeStillServes();
    }

    @Test
    void unknownPathWrongMethodAndOversizedBodyAreRefused() throws Exception {
        assertRefused(raw("GET", "/v1/nope", null), 404, "NotFound", "/v1/nope");
        AdminClient.Raw wrong = raw("GET", "/v1/commit", null);
        assertRefused(wrong, 405, "MethodNotAllowed", "POST");
        String huge = "{\"epoch\": 1, \"pad\": \"" + "x".repeat(AdminServer.MAX_BODY_BYTES) + "\"}";
        assertRefused(raw("POST", "/v1/load-secret", huge), 413, "PayloadTooLarge", "bytes");
        assertNodeStillServes();
    }

    @Test
    void nodeErrorsCarryTheVariantNameWith409Or422() throws Exception {
        cluster.awaitMesh(); // a reconfiguration may only name members this node has seen certificates of
        AdminClient.Raw notPrepared = raw("POST", "/v1/commit", "{\"rackId\": \"" + RACK + "\", \"epoch\": 5}");
        assertRefused(notPrepared, 409, "NotPrepared", "5");
        assertEquals("NotPrepared", notPrepared.body().path("error").path("type").asText());
        assertEquals(5, notPrepared.body().path("error").path("epoch").asLong());

        AdminClient.Raw badThreshold = raw("POST", "/v1/reconfigure", "{\"rackId\": \"" + RACK + "\", \"epoch\": 1,"
                + " \"lastCommittedEpoch\": 0, \"threshold\": 3,"
                + " \"members\": [\"TQ-TEST:N01\", \"TQ-TEST:N02\", \"TQ-TEST:N03\"]}");
        assertRefused(badThreshold, 422, "ThresholdMismatch", "3");

        // The typed client reads the same answers back as node errors.
        ApiResponse r = AdminClient.await(admin.call(new ApiRequest.Commit(RACK, Epoch.of(5), null)));
        assertEquals(new ApiResponse.Committed(Result.err(new NodeError.NotPrepared(Epoch.of(5)))), r);
        assertNodeStillServes();
    }

    @Test
    void loadSecretReturnsAFingerprintAndNeverTheSecret() throws Exception {
        try (ControlPlaneDriver cp = new ControlPlaneDriver(RACK, cluster.ids, cluster.controlPlaneKey(), cluster.gatewayTo(cluster.ids), l -> {})) {
            cluster.awaitMesh();
            Epoch epoch = cp.reconfigure(cluster.ids, 2).orElseThrow();
            cp.awaitIdle(LocalCluster.WAIT);
        }
        String fingerprint = ReconfigurationOverTlsTest.unlock(admin, Epoch.of(1));
        AdminClient.Raw r = raw("POST", "/v1/load-secret", "{\"epoch\": 1}");
        assertEquals(200, r.status());
        Set<String> fields = new TreeSet<>();
        r.body().fieldNames().forEachRemaining(fields::add);
        assertEquals(Set.of("fingerprint", "loaded"), fields, r.text());
        assertEquals(fingerprint, r.body().path("fingerprint").asText());

        // Compare with the secret itself, fetched in-process.
        ApiResponse.SecretLoaded loaded = (ApiResponse.SecretLoaded) cluster.call(cluster.id(1),
                new ApiRequest.LoadRackSecret(Epoch.of(1)));
        Optional<RackSecret> secret = loaded.result().orElseThrow();
        try (RackSecret s = secret.orElseThrow()) {
            byte[] bytes = s.copyBytes();
            assertEquals(s.fingerprint(), fingerprint);
            String hex = HexFormat.of().formatHex(bytes);
            String b64 = Base64.getEncoder().encodeToString(bytes);
            String b64url = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            for (String form : List.of(hex, hex.toUpperCase(java.util.Locale.ROOT), b64, b64url)) {
                assertFalse(r.text().contains(form), "the answer holds the secret");
            }
            // Nor does the status page or the metrics.
            assertFalse(raw("GET", "/v1/status", null).text().contains(hex));
            assertFalse(raw("GET", "/metrics", null).text().contains(hex));
            java.util.Arrays.fill(bytes, (byte) 0);
        }
    }

    @Test
    void metricsAndNetworkConfigAnswer() throws Exception {
        AdminClient.Raw m = raw("GET", "/metrics", null);
        assertEquals(200, m.status());
        assertTrue(m.text().contains("tq_engine_steps_total{node=\"TQ-TEST:N01\"}"), m.text());
        assertTrue(m.text().contains("tq_proxy_requests_completed_total{node=\"TQ-TEST:N01\",outcome=\"ok\"}"));

        assertEquals(false, raw("GET", "/v1/network-config", null).body().path("present").asBoolean(true));
        String blob = Base64.getEncoder().encodeToString(new byte[] {1, 2, 3});
        AdminClient.Raw set = raw("POST", "/v1/network-config", "{\"generation\": 4, \"blob\": \"" + blob + "\"}");
        assertEquals(200, set.status(), set.text());
        JsonNode got = raw("GET", "/v1/network-config", null).body();
        assertEquals(4, got.path("generation").asLong());
        assertEquals(blob, got.path("blob").asText());
        assertRefused(raw("POST", "/v1/network-config", "{\"generation\": 4, \"blob\": \"" + blob + "\"}"), 409,
                "StaleGeneration", "not newer");
        // Gossip carries it to the other nodes.
        cluster.awaitMesh();
        LocalCluster.awaitTrue("gossip reached node 3", () -> {
            try {
                return raw(cluster.admin(cluster.id(3)), "GET", "/v1/network-config", null).body().path("generation")
                        .asLong() == 4;
            } catch (Exception e) {
                return false;
            }
        });
    }
}
