package org.trustquorum.core.controlplane;

import org.trustquorum.core.TestAuth;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.trustquorum.core.engine.ApiRequest;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.RackId;
import org.trustquorum.core.model.Result;
import org.trustquorum.core.protocol.TestCluster;

/** The control plane's logic, driven against real protocol nodes wired in a test harness. */
class ControlPlaneTest {
    static final RackId RACK = RackId.parse("7a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d");

    /** Delivers control-plane calls; direct calls to nodes outside {@code physicallyReachable} fail the test. */
    static final class Driver {
        final TestCluster h;
        final ControlPlane cp;
        final Set<NodeId> physicallyReachable = new TreeSet<>();
        long now;
        int proxiedCalls;

        Driver(TestCluster h, ControlPlane cp) {
            this.h = h;
            this.cp = cp;
        }

        void pass() {
            for (CpCall call : cp.tick(now)) {
                NodeId entry = call.proxied() ? call.via() : call.target();
                if (!physicallyReachable.contains(entry)) {
                    throw new AssertionError("control plane called " + entry + " directly, which it cannot reach");
                }
                if (call.proxied()) {
                    proxiedCalls++;
                    if (!h.connected(call.via(), call.target())) {
                        cp.onReply(call.callId(), new CpReply.Unreachable("no connection"), now);
                        continue;
                    }
                }
                cp.onReply(call.callId(), h.apply(call.target(), call.request()), now);
                h.run();
            }
            now += ControlPlane.POLL_INTERVAL_MS;
        }

        void runUntilIdle(int maxPasses) {
            for (int i = 0; i < maxPasses && !cp.idle(); i++) {
                pass();
            }
            assertTrue(cp.idle(), "control plane did not finish");
        }
    }

    @Test
    void zGrowsWithSpareMembers() {
        assertEquals(0, ControlPlane.extraAcks(3, 2));
        assertEquals(1, ControlPlane.extraAcks(5, 3));
        assertEquals(1, ControlPlane.extraAcks(8, 4));
        assertEquals(2, ControlPlane.extraAcks(9, 4));
        assertEquals(2, ControlPlane.extraAcks(11, 4));
        assertEquals(3, ControlPlane.extraAcks(32, 5));
    }

    @Test
    void theControlPlaneAddsANodeItCanReachOnlyThroughTheProxy() {
        TestCluster h = new TestCluster(6, 50);
        h.connectAll();
        List<NodeId> initial = h.ids().subList(0, 5);
        NodeId newcomer = h.ids().get(5);
        ControlPlane cp = new ControlPlane(RACK, initial, TestAuth.KEY, new SplittableRandom(7));
        Driver d = new Driver(h, cp);
        d.physicallyReachable.addAll(initial);
        assertTrue(cp.reconfigure(initial, 3, d.now).isOk());
        d.runUntilIdle(50);
        assertEquals(Epoch.of(1), cp.latestCommitted().epoch());

        // The newcomer misses the prepare (isolated), then comes back on the bootstrap network only.
        h.isolate(newcomer);
        List<NodeId> all = h.ids();
        assertTrue(cp.reconfigure(all, 3, d.now).isOk());
        for (int i = 0; i < 10; i++) {
            d.pass();
        }
        for (NodeId other : initial) {
            h.connect(newcomer, other);
        }
        d.runUntilIdle(100);
        assertTrue(d.proxiedCalls > 0, "the newcomer was reached through a proxy");
        for (NodeId m : all) {
            assertTrue(h.ctx(m).state().isCommitted(Epoch.of(2)), m + " committed epoch 2");
        }
        byte[] expected = h.loadSecret(initial.get(0), Epoch.of(2));
        assertArrayEquals(expected, h.loadSecret(newcomer, Epoch.of(2)));
        assertTrue(cp.reachableDirectly(newcomer), "once committed, the newcomer is reachable directly");
    }

    @Test
    void anAttemptWhoseCoordinatorRestartsIsAbortedAndRetriedAtTheNextEpoch() {
        TestCluster h = new TestCluster(5, 51);
        h.connectAll();
        List<NodeId> all = h.ids();
        ControlPlane cp = new ControlPlane(RACK, all, TestAuth.KEY, new SplittableRandom(3));
        Driver d = new Driver(h, cp);
        d.physicallyReachable.addAll(all);
        cp.reconfigure(all, 3, d.now);
        d.runUntilIdle(50);

        cp.reconfigure(all, 3, d.now);
        NodeId coordinator = cp.attempt().coordinator();
        // The coordinator starts, then restarts before any ack is seen by the control plane.
        for (CpCall call : cp.tick(d.now)) {
            if (call.request() instanceof CpRequest.Reconfigure) {
                cp.onReply(call.callId(), h.apply(call.target(), call.request()), d.now);
            }
        }
        h.restart(coordinator);
        h.connectAll();
        h.run();
        d.now += ControlPlane.POLL_INTERVAL_MS;
        d.runUntilIdle(200);
        assertTrue(cp.latestCommitted().epoch().isAfter(Epoch.of(2)), "epoch 2 was abandoned");
        for (NodeId m : all) {
            assertTrue(h.ctx(m).state().isCommitted(cp.latestCommitted().epoch()));
        }
    }

    @Test
    void aReconfigurationIsRefusedWhileAnotherIsInProgressOrWithoutACoordinator() {
        TestCluster h = new TestCluster(6, 52);
        List<NodeId> first = h.ids().subList(0, 3);
        ControlPlane cp = new ControlPlane(RACK, first, TestAuth.KEY, new SplittableRandom(1));
        assertTrue(cp.reconfigure(first, 2, 0).isOk());
        assertFalse(cp.reconfigure(first, 2, 0).isOk());
        ControlPlane other = new ControlPlane(RACK, first, TestAuth.KEY, new SplittableRandom(1));
        Result<Epoch, String> r = other.reconfigure(h.ids().subList(3, 6), 2, 0);
        assertFalse(r.isOk(), "no member of the new group is part of the rack");
        assertFalse(other.reconfigure(first, 3, 0).isOk(), "threshold equal to size");
    }

    @Test
    void theLedgerRestoresAnInterruptedReconfiguration() {
        TestCluster h = new TestCluster(4, 53);
        h.connectAll();
        List<NodeId> all = h.ids();
        ControlPlane cp = new ControlPlane(RACK, all, TestAuth.KEY, new SplittableRandom(5));
        Driver d = new Driver(h, cp);
        d.physicallyReachable.addAll(all);
        cp.reconfigure(all, 2, 0);
        d.pass(); // coordinates, sees every ack, decides the commit; no member confirmed yet
        CpLedger saved = cp.ledger();
        assertNotNull(saved.attempt());
        assertTrue(saved.attempt().commitDecided());
        assertEquals(List.of(), saved.attempt().confirmed());
        ControlPlane restored = new ControlPlane(saved, TestAuth.KEY, new SplittableRandom(6), d.now);
        Driver d2 = new Driver(h, restored);
        d2.now = d.now;
        d2.physicallyReachable.addAll(all);
        d2.runUntilIdle(100);
        assertNull(restored.attempt());
        for (NodeId m : all) {
            assertEquals(restored.latestCommitted().epoch(), h.ctx(m).state().latestCommittedEpoch());
        }
    }


    @Test
    void aNodeRemovedByACompletedReconfigurationIsNeverAddedAgain() {
        TestCluster h = new TestCluster(5, 54);
        h.connectAll();
        List<NodeId> all = h.ids();
        ControlPlane cp = new ControlPlane(RACK, all, TestAuth.KEY, new SplittableRandom(8));
        Driver d = new Driver(h, cp);
        d.physicallyReachable.addAll(all);
        cp.reconfigure(all, 3, d.now);
        d.runUntilIdle(50);
        List<NodeId> four = all.subList(0, 4);
        assertTrue(cp.reconfigure(four, 2, d.now).isOk());
        d.runUntilIdle(50);
        assertEquals(List.of(all.get(4)), cp.removed());
        var again = cp.reconfigure(all, 3, d.now);
        assertFalse(again.isOk());
        assertTrue(again.errorOrThrow().contains("never rejoins"), again.errorOrThrow());
        CpLedger saved = cp.ledger();
        assertFalse(new ControlPlane(saved, TestAuth.KEY, new SplittableRandom(1), d.now).reconfigure(all, 3, d.now).isOk(),
                "the refusal survives a control-plane restart");
    }

    @Test
    void aRefusalByTheDestinationOfAProxiedCallIsARefusalNotAnOutage() {
        var refused = CpBridge.fromApi(new org.trustquorum.core.engine.ApiResponse.Proxied(
                org.trustquorum.core.model.Result.err(new org.trustquorum.core.engine.ProxyError.Inner(
                        new org.trustquorum.core.api.NodeError.NotPrepared(Epoch.of(3))))));
        assertEquals(new CpReply.Refused(new org.trustquorum.core.api.NodeError.NotPrepared(Epoch.of(3))), refused);
        var lost = CpBridge.fromApi(new org.trustquorum.core.engine.ApiResponse.Proxied(
                org.trustquorum.core.model.Result.err(new org.trustquorum.core.engine.ProxyError.Timeout(15_000))));
        assertTrue(lost instanceof CpReply.Unreachable);
    }

    /** The one call of {@code kind} among {@code calls}. */
    private static CpCall only(List<CpCall> calls, Class<? extends CpRequest> kind) {
        List<CpCall> of = calls.stream().filter(c -> kind.isInstance(c.request())).toList();
        assertEquals(1, of.size(), "calls of kind " + kind.getSimpleName() + " in " + calls);
        return of.get(0);
    }

    @Test
    void theCommitIsDecidedWhenTheWatchShowsEnoughAcksWithoutWaitingForAPass() {
        TestCluster h = new TestCluster(5, 52);
        h.connectAll();
        List<NodeId> all = h.ids();
        ControlPlane cp = new ControlPlane(RACK, all, TestAuth.KEY, new SplittableRandom(11));
        Driver d = new Driver(h, cp);
        d.physicallyReachable.addAll(all);
        cp.reconfigure(all, 3, d.now);
        d.runUntilIdle(50);

        long start = d.now;
        cp.reconfigure(all, 4, start);
        List<CpCall> first = cp.tick(start);
        CpCall reconfigure = only(first, CpRequest.Reconfigure.class);
        CpCall watch = only(first, CpRequest.Watch.class);
        assertEquals(ControlPlane.WATCH_WAIT_MS, ((CpRequest.Watch) watch.request()).maxWaitMs());
        cp.onReply(reconfigure.callId(), h.apply(reconfigure.target(), reconfigure.request()), start + 1);

        // The coordinator answers the watch as soon as it started (no acks yet): watched again at once,
        // knowing the version it reported.
        long t = start + 2;
        CpReply.Watched started = (CpReply.Watched) h.apply(watch.target(), watch.request());
        cp.onReply(watch.callId(), started, t);
        assertTrue(started.status().coordinator().acked().isEmpty());
        assertEquals(t, cp.nextDeadlineMs(), "the next watch is due at once");
        CpCall again = only(cp.tick(t), CpRequest.Watch.class);
        assertEquals(started.version(), ((CpRequest.Watch) again.request()).knownVersion());

        // The members ack; the coordinator answers the held watch with its new status.
        h.run();
        t = start + 9;
        CpReply.Watched acked = (CpReply.Watched) h.apply(again.target(), again.request());
        assertNotEquals(started.version(), acked.version());
        cp.onReply(again.callId(), acked, t);
        assertTrue(cp.attempt().commitDecided(), "decided on the watch's answer");
        assertEquals(t, cp.nextDeadlineMs(), "the commits are due at once, not at the next pass");
        List<CpCall> commits = cp.tick(t);
        assertEquals(all.size(), commits.size(), "a commit (or prepare-and-commit) to every member: " + commits);
        assertTrue(t - start < ControlPlane.POLL_INTERVAL_MS, "well inside one poll interval");
    }

    @Test
    void aFailedWatchFallsBackToThePollInterval() {
        TestCluster h = new TestCluster(3, 53);
        h.connectAll();
        ControlPlane cp = new ControlPlane(RACK, h.ids(), TestAuth.KEY, new SplittableRandom(5));
        cp.reconfigure(h.ids(), 2, 0);
        CpCall watch = only(cp.tick(0), CpRequest.Watch.class);
        cp.onReply(watch.callId(), new CpReply.Unreachable("connection refused"), 3);
        assertEquals(List.of(), cp.tick(4).stream().filter(c -> c.request() instanceof CpRequest.Watch).toList(),
                "no new watch right after a failure");
        CpCall retry = only(cp.tick(3 + ControlPlane.POLL_INTERVAL_MS), CpRequest.Watch.class);
        assertEquals(ApiRequest.Watch.UNKNOWN_VERSION, ((CpRequest.Watch) retry.request()).knownVersion());
    }

    @Test
    void anUnchangedAnswerBeforeTheWaitEndsBacksOffInsteadOfSpinning() {
        TestCluster h = new TestCluster(3, 54);
        h.connectAll();
        ControlPlane cp = new ControlPlane(RACK, h.ids(), TestAuth.KEY, new SplittableRandom(5));
        cp.reconfigure(h.ids(), 2, 0);
        CpCall watch = only(cp.tick(0), CpRequest.Watch.class);
        CpReply.Watched first = (CpReply.Watched) h.apply(watch.target(), watch.request());
        cp.onReply(watch.callId(), first, 1);
        CpCall again = only(cp.tick(1), CpRequest.Watch.class);
        // The node answers at once with the version the caller knows (it holds too many watches).
        cp.onReply(again.callId(), new CpReply.Watched(first.version(), first.status()), 2);
        assertEquals(List.of(), cp.tick(3).stream().filter(c -> c.request() instanceof CpRequest.Watch).toList(),
                "no new watch right after an early unchanged answer");
        CpCall later = only(cp.tick(2 + ControlPlane.POLL_INTERVAL_MS), CpRequest.Watch.class);
        assertEquals(first.version(), ((CpRequest.Watch) later.request()).knownVersion());
    }
}
