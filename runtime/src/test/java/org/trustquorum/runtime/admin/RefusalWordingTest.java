package org.trustquorum.runtime.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.trustquorum.core.api.NodeError;
import org.trustquorum.core.api.NodeStatus;
import org.trustquorum.core.api.ReconfigureRequest;
import org.trustquorum.core.engine.ApiRequest;
import org.trustquorum.core.engine.ApiResponse;
import org.trustquorum.core.engine.NetworkConfigGossip;
import org.trustquorum.core.engine.ProxyError;
import org.trustquorum.core.model.Alarm;
import org.trustquorum.core.model.Configuration;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.Member;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.RackId;
import org.trustquorum.core.model.Result;
import org.trustquorum.core.model.Sha3Digest;
import org.trustquorum.core.model.Threshold;
import org.trustquorum.core.msg.ProxyOp;

/**
 * Every error the admin API can answer with explains itself in words: each variant of the node's,
 * the proxy's and the network-config errors, and the parser's refusals, carry a message without a
 * Java class, record or method name; the conflicts (409) name what the node holds and what was asked.
 */
class RefusalWordingTest {
    /**
     * What must never appear in a message: a record's toString ({@code Name[field=}), a method
     * call ({@code name()}), a package-qualified name, a backquoted Java name, a CamelCase type name.
     * Messages are printable ASCII too: what they quote of a request is escaped.
     */
    static final Pattern CLASS_ISH = Pattern.compile(
            "\\w\\[\\w+=|\\w\\(\\)|\\b[a-z]+\\.[a-z]+\\.[a-zA-Z]|`|\\b[A-Z][a-z0-9]+[A-Z][A-Za-z0-9]*\\b");

    private static final NodeId A = NodeId.parse("TQ-SLED:SN0001");
    private static final NodeId B = NodeId.parse("TQ-SLED:SN0002");
    private static final NodeId C = NodeId.parse("TQ-SLED:SN0003");
    private static final NodeId D = NodeId.parse("TQ-SLED:SN0004");
    private static final RackId RACK = RackId.parse("12345678-9abc-4def-8123-456789abcdef");
    private static final RackId OTHER_RACK = RackId.parse("00000000-0000-4000-8000-000000000001");

    static void assertPlain(String message) {
        assertFalse(message.isBlank());
        assertFalse(CLASS_ISH.matcher(message).find(), "a Java name in: " + message);
        assertTrue(message.chars().allMatch(c -> c >= ' ' && c <= '~'), "only printable ASCII: " + message);
    }

    private static Sha3Digest digest(int seed) {
        byte[] b = new byte[32];
        new SplittableRandom(seed).nextBytes(b);
        return new Sha3Digest(b);
    }

    private static Configuration config(Epoch epoch, NodeId coordinator, NodeId... members) {
        List<Member> m = new ArrayList<>();
        for (int i = 0; i < members.length; i++) {
            m.add(new Member(members[i], digest(i)));
        }
        return new Configuration(RACK, epoch, coordinator, m, Threshold.of(2), null, null);
    }

    /** Node A: holds epoch 3 (members A, B, C, coordinated by B), committed 1..3, coordinates epoch 5. */
    private static NodeView stored() {
        Configuration three = config(Epoch.of(3), B, A, B, C);
        NodeStatus status = new NodeStatus(A, List.of(B, C), List.of(), RACK, List.of(Epoch.of(1), Epoch.of(3)),
                List.of(Epoch.of(1), Epoch.of(3)), List.of(Epoch.of(1), Epoch.of(3)), null,
                new NodeStatus.CoordinatorStatus(Epoch.of(5), NodeStatus.Phase.COLLECTING_ACKS, List.of(A),
                        config(Epoch.of(5), A, A, B, C)), null, List.of());
        return new NodeView(status, List.of(config(Epoch.of(1), A, A, B, C), three), Set.of(B, C));
    }

    private static final ApiRequest RECONFIGURE_3 = new ApiRequest.Reconfigure(new ReconfigureRequest(RACK, Epoch.of(3),
            Epoch.of(3), List.of(A, B, D), Threshold.of(2)));

    /** One value of every node error, with the request that would provoke it. */
    private static List<Object[]> everyNodeError() {
        ApiRequest commit = new ApiRequest.Commit(RACK, Epoch.of(4), null);
        ApiRequest pac = new ApiRequest.PrepareAndCommit(config(Epoch.of(3), D, A, C, D), null);
        ApiRequest load = new ApiRequest.LoadRackSecret(Epoch.of(9));
        return List.of(
                new Object[] {new NodeError.CoordinatorMustBeAMemberOfNewGroup(A), RECONFIGURE_3},
                new Object[] {new NodeError.ThresholdMismatch(3, 3), RECONFIGURE_3},
                new Object[] {new NodeError.InvalidMembershipSize(2), RECONFIGURE_3},
                new Object[] {new NodeError.InvalidThreshold(1), RECONFIGURE_3},
                new Object[] {new NodeError.InvalidRackId(RACK, OTHER_RACK), commit},
                new Object[] {new NodeError.Expunged(Epoch.of(4), C), commit},
                new Object[] {new NodeError.LastCommittedEpochMismatch(Epoch.of(2), Epoch.of(3)), RECONFIGURE_3},
                new Object[] {new NodeError.PreparedEpochMismatch(Epoch.of(3), Epoch.of(3)), RECONFIGURE_3},
                new Object[] {new NodeError.ReconfigurationInProgress(Epoch.of(5), Epoch.of(4)), RECONFIGURE_3},
                new Object[] {new NodeError.MismatchedReconfiguration(Epoch.of(5)), RECONFIGURE_3},
                new Object[] {new NodeError.NotPrepared(Epoch.of(4)), commit},
                new Object[] {new NodeError.NotAMember(Epoch.of(3)), pac},
                new Object[] {new NodeError.ConfigurationMismatch(Epoch.of(3)), pac},
                new Object[] {new NodeError.NoCommittedConfigurations(), load},
                new Object[] {new NodeError.NotCommitted(Epoch.of(9)), load},
                new Object[] {new NodeError.NotAvailable(Epoch.of(1)), load},
                new Object[] {new NodeError.Unauthorized("no control-plane signature"), commit},
                new Object[] {new NodeError.Alarmed(new Alarm.RackSecretReconstructionFailed(Epoch.of(3), "too few shares")),
                        load});
    }

    private static ApiResponse responseFor(NodeError e) {
        return switch (e) {
            case NodeError.ReconfigureError r -> new ApiResponse.Reconfigured(Result.err(r));
            case NodeError.CommitError c -> new ApiResponse.Committed(Result.err(c));
            case NodeError.PrepareAndCommitError p -> new ApiResponse.PreparedAndCommitted(Result.err(p));
            case NodeError.LoadSecretError l -> new ApiResponse.SecretLoaded(Result.err(l));
        };
    }

    @Test
    void everyNodeErrorIsExplainedInWords() {
        Set<Class<?>> seen = new HashSet<>();
        for (Object[] row : everyNodeError()) {
            NodeError e = (NodeError) row[0];
            seen.add(e.getClass());
            for (NodeView view : java.util.Arrays.asList(stored(), null)) {
                AdminProtocol.Answer a = AdminProtocol.answer(responseFor(e), (ApiRequest) row[1], view);
                assertEquals(AdminProtocol.statusOf(e), a.status());
                assertEquals(ApiJson.variantName(e), a.body().path("code").asText(), "the code stays the stable variant name");
                assertPlain(a.body().path("message").asText());
            }
        }
        assertEquals(new HashSet<>(ApiJson.concreteVariants(NodeError.class)), seen, "every variant is walked");
    }

    @Test
    void conflictsNameWhatIsStoredAndWhatWasAsked() {
        String sameEpoch = message(new NodeError.PreparedEpochMismatch(Epoch.of(3), Epoch.of(3)), RECONFIGURE_3);
        assertTrue(sameEpoch.startsWith("epoch 3 is already taken by a configuration with members TQ-SLED:SN0001, "
                + "TQ-SLED:SN0002, TQ-SLED:SN0003, threshold 2, coordinator TQ-SLED:SN0002"), sameEpoch);
        assertTrue(sameEpoch.contains("the request asks for epoch 3 with members TQ-SLED:SN0001, TQ-SLED:SN0002, "
                + "TQ-SLED:SN0004, threshold 2"), sameEpoch);

        String coordinating = message(new NodeError.MismatchedReconfiguration(Epoch.of(5)), RECONFIGURE_3);
        assertTrue(coordinating.contains("epoch 5 is already being prepared by this node with a different request (members "
                + "TQ-SLED:SN0001, TQ-SLED:SN0002, TQ-SLED:SN0003"), coordinating);
        assertTrue(coordinating.contains("TQ-SLED:SN0004"), "what was asked: " + coordinating);

        String mismatch = message(new NodeError.ConfigurationMismatch(Epoch.of(3)),
                new ApiRequest.PrepareAndCommit(config(Epoch.of(3), D, A, C, D), null));
        assertTrue(mismatch.contains("coordinator TQ-SLED:SN0002") && mismatch.contains("coordinator TQ-SLED:SN0004"), mismatch);

        String lastCommitted = message(new NodeError.LastCommittedEpochMismatch(Epoch.of(2), Epoch.of(3)), RECONFIGURE_3);
        assertEquals("the request says the last committed epoch is 2, but this node's last committed epoch is 3", lastCommitted);
        assertTrue(message(new NodeError.NotPrepared(Epoch.of(4)), new ApiRequest.Commit(RACK, Epoch.of(4), null))
                .contains("asked to commit epoch 4, but this node has not prepared it (it holds the shares of epochs 1, 3)"));
        assertTrue(message(new NodeError.InvalidRackId(RACK, OTHER_RACK), RECONFIGURE_3)
                .equals("this node belongs to rack " + RACK + "; the request names rack " + OTHER_RACK));
    }

    private static String message(NodeError e, ApiRequest asked) {
        return AdminProtocol.answer(responseFor(e), asked, stored()).body().path("message").asText();
    }

    @Test
    void proxyAndNetworkConfigErrorsAreInWordsToo() {
        ApiRequest proxied = new ApiRequest.Proxy(C, new ProxyOp.Commit(RACK, Epoch.of(3), null));
        List<ProxyError> proxyErrors = List.of(new ProxyError.Disconnected(C), new ProxyError.Busy(ProxyError.Queue.LOCAL_QUEUE),
                new ProxyError.Busy(ProxyError.Queue.CONNECTION_QUEUE), new ProxyError.Timeout(15_000),
                new ProxyError.InvalidResponse("Commit", "Status"), new ProxyError.Shutdown(),
                new ProxyError.Inner(new NodeError.NotPrepared(Epoch.of(3))));
        Set<Class<?>> seen = new HashSet<>();
        for (ProxyError e : proxyErrors) {
            seen.add(e.getClass());
            assertPlain(AdminProtocol.answer(new ApiResponse.Proxied(Result.err(e)), proxied, null).body().path("message").asText());
        }
        assertEquals(new HashSet<>(ApiJson.concreteVariants(ProxyError.class)), seen);
        seen.clear();
        for (NetworkConfigGossip.UpdateError e : List.of(new NetworkConfigGossip.UpdateError.StaleGeneration(4, 4),
                new NetworkConfigGossip.UpdateError.TooLarge(10, 5), new NetworkConfigGossip.UpdateError.ShuttingDown())) {
            seen.add(e.getClass());
            assertPlain(AdminProtocol.answer(new ApiResponse.NetworkConfigUpdated(Result.err(e)), null, null).body()
                    .path("message").asText());
        }
        assertEquals(new HashSet<>(ApiJson.concreteVariants(NetworkConfigGossip.UpdateError.class)), seen);
    }

    private static String refusal(Route route, String body) {
        BadRequest e = assertThrows(BadRequest.class, () -> AdminProtocol.parseBody(route, body.getBytes(StandardCharsets.UTF_8)));
        assertPlain(e.getMessage());
        return e.getMessage();
    }

    @Test
    void parserRefusalsNameNoLibraryInternals() {
        String deep = refusal(Route.LOAD_SECRET, "[".repeat(100_000));
        assertTrue(deep.contains("nesting depth") && !deep.contains("StreamReadConstraints"), deep);
        refusal(Route.LOAD_SECRET, "{\"epoch\": {\"a\": " + "{\"a\": ".repeat(5_000) + "1" + "}".repeat(5_001) + "}");
        refusal(Route.PREPARE_AND_COMMIT, "{\"config\": {\"epoch\": \"x\"}}");
        refusal(Route.PREPARE_AND_COMMIT, "{\"config\": {\"epoch\": 1, \"threshold\": \"two\"}}");
        refusal(Route.PREPARE_AND_COMMIT, "{\"config\": {\"epoch\": 1, \"members\": 7}}");
        refusal(Route.PREPARE_AND_COMMIT, "{\"config\": {\"epoch\": 1, \"bogus\": 7}}");
        String coordinator = refusal(Route.PREPARE_AND_COMMIT, "{\"config\": {\"epoch\": 1, \"coordinator\": \"\\u0422Q:1\"}}");
        assertTrue(coordinator.contains("\\u0422Q"), coordinator);
        refusal(Route.COMMIT, "{\"rackId\": 5, \"epoch\": 1}");
        refusal(Route.COMMIT, "\u00ff\u00fe");
        refusal(Route.LOAD_SECRET, "<xml/>");
        String lookAlike = refusal(Route.RECONFIGURE, "{\"rackId\": \"" + RACK + "\", \"epoch\": 3, \"lastCommittedEpoch\": 2,"
                + " \"threshold\": 2, \"members\": [\"TQ-SLED:SN0001\", \"\\u0422Q-SL\\u0415D:SN0002\", \"\\uD83D\\uDCA3:\\u0000x\"]}");
        assertTrue(lookAlike.contains("members[1]") && lookAlike.contains("\"\\u0422Q-SL\\u0415D\"") && lookAlike.contains("U+0422"),
                lookAlike);
        String nul = refusal(Route.PROXY_STATUS, "{\"to\": \"TQ-SLED:SN\\u00000002\"}");
        assertTrue(nul.contains("NUL") && nul.contains("\"SN\\u00000002\""), nul);
    }
}
