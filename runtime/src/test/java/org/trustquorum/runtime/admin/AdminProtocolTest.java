package org.trustquorum.runtime.admin;

import org.trustquorum.core.model.CpSignature;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.trustquorum.core.api.CommitStatus;
import org.trustquorum.core.api.NodeError;
import org.trustquorum.core.api.NodeStatus;
import org.trustquorum.core.crypto.RackSecret;
import org.trustquorum.core.engine.ApiRequest;
import org.trustquorum.core.engine.ApiResponse;
import org.trustquorum.core.engine.ProxyError;
import org.trustquorum.core.model.Alarm;
import org.trustquorum.core.model.Configuration;
import org.trustquorum.core.model.EncryptedRackSecrets;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.ExpungedMarker;
import org.trustquorum.core.model.KeyShare;
import org.trustquorum.core.model.Member;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.RackId;
import org.trustquorum.core.model.Result;
import org.trustquorum.core.model.Sha3Digest;
import org.trustquorum.core.model.Threshold;
import org.trustquorum.core.msg.ProxyOp;
import org.trustquorum.core.msg.ProxyResult;

/** The admin API's JSON mapping, server side and client side together: what goes out comes back the same. */
class AdminProtocolTest {
    private static final NodeId A = NodeId.parse("TQ-SLED:SN0001");
    private static final NodeId B = NodeId.parse("TQ-SLED:SN0002");
    private static final NodeId C = NodeId.parse("TQ-SLED:SN0003");
    private static final RackId RACK = RackId.parse("12345678-9abc-4def-8123-456789abcdef");

    private static Sha3Digest digest(int seed) {
        byte[] b = new byte[32];
        new SplittableRandom(seed).nextBytes(b);
        return new Sha3Digest(b);
    }

    /** A signature-shaped value: the codec carries it, no one checks it here. */
    private static final CpSignature SIG = new CpSignature(new byte[CpSignature.LENGTH_BYTES]);

    private static Configuration config() {
        byte[] salt = new byte[EncryptedRackSecrets.SALT_LENGTH_BYTES];
        salt[0] = 9;
        return new Configuration(RACK, Epoch.of(3), B, List.of(new Member(A, digest(1)), new Member(B, digest(2)),
                new Member(C, digest(3))), Threshold.of(2), new EncryptedRackSecrets(salt, new byte[] {1, 2, 3, 4}), SIG);
    }

    /** Answers on the server side, then reads them back as the client does. */
    private static ApiResponse roundTrip(ApiRequest request, ApiResponse response) throws Exception {
        AdminProtocol.Answer a = AdminProtocol.answer(response);
        JsonNode wire = ApiJson.MAPPER.readTree(ApiJson.MAPPER.writeValueAsBytes(a.body()));
        return AdminProtocol.fromHttp(request, a.status(), wire);
    }

    @Test
    void requestsSurviveTheTripToTheServer() throws Exception {
        List<ApiRequest> requests = List.of(new ApiRequest.Commit(RACK, Epoch.of(-2L), SIG),
                new ApiRequest.PrepareAndCommit(config(), SIG), new ApiRequest.PrepareAndCommit(config(), null),
                new ApiRequest.Proxy(C, new ProxyOp.PrepareAndCommit(config(), SIG)),
                new ApiRequest.Proxy(C, new ProxyOp.Commit(RACK, Epoch.of(4), null)),
                new ApiRequest.Proxy(C, new ProxyOp.Status()),
                new ApiRequest.LoadRackSecret(Epoch.of(7)),
                new ApiRequest.UpdateNetworkConfig(5, new byte[] {7, 7}),
                new ApiRequest.Watch(Long.MAX_VALUE, ApiRequest.Watch.MAX_WAIT_MS), new ApiRequest.Watch(0, 0),
                new ApiRequest.Reconfigure(new org.trustquorum.core.api.ReconfigureRequest(RACK, Epoch.of(2), Epoch.of(1),
                        List.of(C, A, B), Threshold.of(2))));
        for (ApiRequest r : requests) {
            AdminProtocol.HttpCall call = AdminProtocol.toHttp(r);
            Route route = Route.ofPath(call.path());
            JsonNode body = call.body() == null ? null : ApiJson.MAPPER.readTree(ApiJson.MAPPER.writeValueAsBytes(call.body()));
            assertEquals(r, AdminProtocol.parse(route, body), call.path());
        }
    }

    @Test
    void typedErrorsComeBackAsTheSameValues() throws Exception {
        ApiRequest commit = new ApiRequest.Commit(RACK, Epoch.of(3), SIG);
        for (NodeError.CommitError e : List.<NodeError.CommitError>of(new NodeError.NotPrepared(Epoch.of(3)),
                new NodeError.InvalidRackId(RACK, RackId.parse("00000000-0000-4000-8000-000000000001")),
                new NodeError.Expunged(Epoch.of(2), C))) {
            assertEquals(new ApiResponse.Committed(Result.err(e)), roundTrip(commit, new ApiResponse.Committed(Result.err(e))));
        }
        ApiRequest pac = new ApiRequest.PrepareAndCommit(config(), SIG);
        NodeError.PrepareAndCommitError alarmed = new NodeError.Alarmed(new Alarm.KeyShareComputationFailed(Epoch.of(3),
                "digest mismatch"));
        assertEquals(new ApiResponse.PreparedAndCommitted(Result.err(alarmed)),
                roundTrip(pac, new ApiResponse.PreparedAndCommitted(Result.err(alarmed))));
        assertEquals(422, AdminProtocol.answer(new ApiResponse.Reconfigured(Result.err(new NodeError.ThresholdMismatch(3, 3))))
                .status());

        ApiRequest proxied = new ApiRequest.Proxy(C, new ProxyOp.Commit(RACK, Epoch.of(3), SIG));
        for (ProxyError e : List.of(new ProxyError.Disconnected(C), new ProxyError.Busy(ProxyError.Queue.CONNECTION_QUEUE),
                new ProxyError.Timeout(15_000), new ProxyError.InvalidResponse("Commit", "Status"), new ProxyError.Shutdown(),
                new ProxyError.Inner(new NodeError.NotPrepared(Epoch.of(3))))) {
            assertEquals(new ApiResponse.Proxied(Result.err(e)), roundTrip(proxied, new ApiResponse.Proxied(Result.err(e))), e.toString());
        }
        // The destination's own error, answered as a value, reads back as the same Inner error.
        assertEquals(new ApiResponse.Proxied(Result.err(new ProxyError.Inner(new NodeError.NotPrepared(Epoch.of(3))))),
                roundTrip(proxied, new ApiResponse.Proxied(Result.ok(new ProxyResult.Failed(new NodeError.NotPrepared(Epoch.of(3)))))));
        assertEquals(new ApiResponse.Proxied(Result.ok(new ProxyResult.Commit(CommitStatus.PENDING))),
                roundTrip(proxied, new ApiResponse.Proxied(Result.ok(new ProxyResult.Commit(CommitStatus.PENDING)))));
    }

    @Test
    void aFullStatusComesBackEqual() throws Exception {
        NodeStatus s = new NodeStatus(A, List.of(B, C), List.of(new Alarm.MismatchedConfigurations(Epoch.of(3), B),
                new Alarm.CommittedConfigurationLost(Epoch.of(1))), RACK, List.of(Epoch.of(1), Epoch.of(3)),
                List.of(Epoch.of(1)), List.of(Epoch.of(1)), new ExpungedMarker(Epoch.of(4), C),
                new NodeStatus.CoordinatorStatus(Epoch.of(3), NodeStatus.Phase.COLLECTING_ACKS, List.of(A, B), config()),
                Epoch.of(3), List.of(new NodeStatus.ProxiedRequest(9, C, "Status")));
        assertEquals(new ApiResponse.StatusReport(s), roundTrip(new ApiRequest.Status(), new ApiResponse.StatusReport(s)));
        ApiResponse.Watched watched = new ApiResponse.Watched(Long.MAX_VALUE - 3, s);
        assertEquals(watched, roundTrip(new ApiRequest.Watch(17, 100), watched));
        JsonNode json = ApiJson.MAPPER.valueToTree(s);
        assertEquals("TQ-SLED:SN0001", json.path("id").asText());
        assertEquals("MismatchedConfigurations", json.path("alarms").get(0).path("type").asText());
        assertFalse(json.has("latestCommittedEpoch"), "helper methods are not properties");
    }

    @Test
    void secretsHaveNoJsonForm() throws Exception {
        byte[] bytes = new byte[RackSecret.LENGTH_BYTES];
        new SplittableRandom(5).nextBytes(bytes);
        RackSecret secret = RackSecret.fromBytes(bytes);
        String fingerprint = secret.fingerprint();
        AdminProtocol.Answer a = AdminProtocol.answer(new ApiResponse.SecretLoaded(Result.ok(Optional.of(secret))));
        assertTrue(secret.isClosed(), "the answer closes (zeroes) the secret");
        String text = ApiJson.MAPPER.writeValueAsString(a.body());
        assertEquals("{\"loaded\":true,\"fingerprint\":\"" + fingerprint + "\"}", text);
        assertFalse(text.contains(HexFormat.of().formatHex(bytes)));

        assertThrows(JsonProcessingException.class, () -> ApiJson.MAPPER.writeValueAsString(new KeyShare(1, bytes)));
        try (RackSecret other = RackSecret.fromBytes(bytes)) {
            assertThrows(JsonProcessingException.class, () -> ApiJson.MAPPER.writeValueAsString(other));
        }
    }
}
