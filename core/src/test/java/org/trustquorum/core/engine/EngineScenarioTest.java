package org.trustquorum.core.engine;

import org.trustquorum.core.TestAuth;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.trustquorum.core.controlplane.ControlPlane;
import org.trustquorum.core.controlplane.CpBridge;
import org.trustquorum.core.controlplane.CpCall;
import org.trustquorum.core.crypto.RackSecret;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.RackId;
import org.trustquorum.core.msg.ProxyOp;
import org.trustquorum.core.msg.ProxyResult;

/** Whole engines on an in-memory network, driven by the control plane. */
class EngineScenarioTest {
    static final RackId RACK = RackId.parse("3f2e1d0c-4b5a-4968-8776-655443322110");

    static List<NodeId> ids(int n) {
        List<NodeId> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new NodeId("913-0000019", String.format("sled-%02d", i)));
        }
        return out;
    }

    /** Delivers control-plane calls the way a control-plane client would. */
    static final class CpDriver {
        final ScriptedEngineCluster cluster;
        final ControlPlane cp;
        final List<NodeId> directlyCallable = new ArrayList<>();
        final Map<Long, CpCall> pending = new TreeMap<>();
        int proxied;

        CpDriver(ScriptedEngineCluster cluster, ControlPlane cp) {
            this.cluster = cluster;
            this.cp = cp;
        }

        void pass() {
            for (CpCall call : cp.tick(cluster.now)) {
                NodeId entry = call.proxied() ? call.via() : call.target();
                if (!cp.reachableDirectly(entry)) {
                    throw new AssertionError("control plane called " + entry + " directly");
                }
                if (call.proxied()) {
                    proxied++;
                }
                long replyId = cluster.call(entry, CpBridge.toApi(call));
                pending.put(replyId, call);
            }
            cluster.runFor(ControlPlane.POLL_INTERVAL_MS);
            for (var it = pending.entrySet().iterator(); it.hasNext();) {
                var e = it.next();
                Object r = cluster.replies.remove(e.getKey());
                if (r != null) {
                    cp.onReply(e.getValue().callId(), CpBridge.fromApi((ApiResponse) r), cluster.now);
                    it.remove();
                }
            }
        }

        void runUntilIdle(int maxPasses) {
            for (int i = 0; i < maxPasses && !cp.idle(); i++) {
                pass();
            }
            assertTrue(cp.idle(), "control plane did not finish: " + cp.attempt());
        }
    }

    static String fingerprint(ScriptedEngineCluster c, NodeId n, Epoch e) {
        for (int attempt = 0; attempt < 10; attempt++) {
            long id = c.call(n, new ApiRequest.LoadRackSecret(e));
            c.runFor(100);
            var loaded = (ApiResponse.SecretLoaded) c.replies.remove(id);
            var secret = loaded.result().orElseThrow();
            if (secret.isPresent()) {
                try (RackSecret s = secret.get()) {
                    return s.fingerprint();
                }
            }
        }
        throw new AssertionError(n + " never loaded the secret of epoch " + e);
    }

    @Test
    void theControlPlaneAddsANodeThatItCanReachOnlyThroughTheProxy() {
        List<NodeId> all = ids(6);
        List<NodeId> initial = all.subList(0, 5);
        NodeId newcomer = all.get(5);
        ScriptedEngineCluster c = new ScriptedEngineCluster(all, 9);
        c.runFor(2_000);
        c.checkInvariants();
        ControlPlane cp = new ControlPlane(RACK, initial, TestAuth.KEY, new SplittableRandom(4));
        CpDriver d = new CpDriver(c, cp);
        assertTrue(cp.reconfigure(initial, 3, c.now).isOk());
        d.runUntilIdle(40);

        // The newcomer is cut off from everyone while epoch 2 is prepared, so it misses its Prepare.
        for (NodeId other : initial) {
            c.block(newcomer, other);
        }
        assertTrue(cp.reconfigure(all, 3, c.now).isOk());
        for (int i = 0; i < 6; i++) {
            d.pass();
        }
        for (NodeId other : initial) {
            c.unblock(newcomer, other);
        }
        d.runUntilIdle(200);
        c.runFor(1_000);
        c.checkInvariants();

        assertTrue(d.proxied > 0, "the newcomer was reached only through proxies");
        Epoch e2 = cp.latestCommitted().epoch();
        for (NodeId n : all) {
            assertTrue(c.durable.get(n).isCommitted(e2), n + " committed " + e2);
        }
        String expected = fingerprint(c, initial.get(0), e2);
        for (NodeId n : all) {
            assertEquals(expected, fingerprint(c, n, e2), "secret at " + n);
        }
        for (NodeEngine e : c.engines.values()) {
            assertEquals(0, e.connections().tracker().size(), "no proxy request left behind");
            assertEquals(List.of(), e.alarms());
        }
    }

    @Test
    void aProxiedStatusReturnsTheDestinationsOwnStatusAndNeverTravelsFurther() {
        List<NodeId> all = ids(3);
        ScriptedEngineCluster c = new ScriptedEngineCluster(all, 3);
        c.runFor(2_000);
        long id = c.call(all.get(0), new ApiRequest.Proxy(all.get(2), new ProxyOp.Status()));
        c.runFor(100);
        var r = (ApiResponse.Proxied) c.replies.remove(id);
        var status = assertInstanceOf(ProxyResult.Status.class, r.result().orElseThrow()).status();
        assertEquals(all.get(2), status.id());
        assertEquals(List.of(all.get(0), all.get(1)), status.connectedPeers());
    }

    @Test
    void aProxyCallToAnUnconnectedNodeFailsWithDisconnectedAtOnce() {
        List<NodeId> all = ids(3);
        ScriptedEngineCluster c = new ScriptedEngineCluster(all, 5);
        c.block(all.get(0), all.get(2));
        c.runFor(2_000);
        long id = c.call(all.get(0), new ApiRequest.Proxy(all.get(2), new ProxyOp.Status()));
        var r = (ApiResponse.Proxied) c.replies.remove(id);
        assertEquals(new ProxyError.Disconnected(all.get(2)), r.result().errorOrThrow());
    }

    @Test
    void aCrashBetweenPersistAndSendNeverLosesAnAckedPrepare() {
        // Drive one engine by hand: a Prepare arrives; the step that acks it carries the persist.
        List<NodeId> all = ids(4);
        ScriptedEngineCluster c = new ScriptedEngineCluster(all, 8);
        c.runFor(2_000);
        ControlPlane cp = new ControlPlane(RACK, all, TestAuth.KEY, new SplittableRandom(2));
        CpDriver d = new CpDriver(c, cp);
        cp.reconfigure(all, 2, c.now);
        d.runUntilIdle(40);
        for (NodeId n : all) {
            // Every commit the control plane saw confirmed is in the durable copy, not just in memory.
            assertTrue(c.durable.get(n).isCommitted(cp.latestCommitted().epoch()));
            assertEquals(c.engines.get(n).state(), c.durable.get(n));
        }
    }
}
