package org.trustquorum.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.trustquorum.core.api.NodeError;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.Result;
import org.trustquorum.core.msg.ProxyOp;
import org.trustquorum.core.msg.ProxyResult;
import org.trustquorum.core.msg.WireMsg;

/**
 * 10,000 proxy calls over many incarnations, with a seeded generator choosing accepts, dials,
 * handshakes (some for incarnations already gone), exits (some duplicated), responses (some late,
 * duplicated, unknown, on the wrong incarnation or of the wrong type), flushes, protocol traffic
 * that overflows queues, and time jumps that fire pings, inactivity closes and proxy timeouts.
 *
 * <p>Checked after every step: the engine's invariants; no frame on an incarnation the engine
 * closed or the driver reported gone; every reply answers an issued call at most once; the
 * protocol's view of connected peers (built only from connect/disconnect events) equals the
 * table's. At the end: every call completed exactly once and the tracker is empty.
 */
class ProxyChurnRandomizedTest {
    private static final int CALLS = 10_000;
    private static final List<NodeId> PEERS = List.of(EngineHarness.B, EngineHarness.C, EngineHarness.D,
            EngineHarness.E);
    private static final PeerAddress LOWER = new PeerAddress("fd00::1", 12345);
    private static final EngineLimits LIMITS = EngineLimits.DEFAULTS
            .withOutboundQueueCapacityFrames(6)
            .withMaxInFlightProxyRequests(16)
            .withProxyRequestTimeoutMs(4_000)
            .withInactivityTimeoutMs(6_000)
            .withHandshakeTimeoutMs(3_000)
            .withReconnect(200, 2_000, 20);

    private record Sent(long incarnation, long requestId, ProxyOp op) {}

    private final EngineHarness h = new EngineHarness(LIMITS, 7);
    private SplittableRandom rng;
    private final TreeSet<Long> driverOpen = new TreeSet<>();     // allocated, exit not yet reported
    private final TreeSet<Long> handshaking = new TreeSet<>();    // driver-open, not yet established by the driver
    private final TreeSet<Long> closedByEngine = new TreeSet<>();
    private final TreeSet<Long> owedExits = new TreeSet<>();     // closed by the engine, exit not reported yet
    private final TreeSet<Long> carrying = new TreeSet<>();      // established by the driver, not closed
    private final TreeSet<Long> exitReported = new TreeSet<>();
    private final TreeMap<Long, Integer> unflushed = new TreeMap<>();
    private final List<Sent> remotePending = new ArrayList<>();
    private final List<Sent> answered = new ArrayList<>();
    private final TreeMap<Long, Integer> completions = new TreeMap<>();
    private final TreeMap<String, Integer> outcomes = new TreeMap<>();
    private final TreeSet<NodeId> protocolView = new TreeSet<>();
    private long issued;
    private long connectedSum;
    private final TreeMap<String, Integer> closeCauses = new TreeMap<>();

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void tenThousandProxyCallsOverRandomChurnEachCompleteExactlyOnceAndLeaveTheTrackerEmpty(long seed) {
        rng = new SplittableRandom(seed);
        observe(h.step(new Input.PeersChanged(Set.of(LOWER))));
        int steps = 0;
        while (issued < CALLS) {
            steps++;
            checkProtocolView();
            connectedSum += protocolView.size();
            if (!owedExits.isEmpty() && rng.nextInt(3) == 0) {
                // The driver reports the exit of a connection the engine closed, a little later.
                reportExit(pick(owedExits), ExitCause.CLEAN_CLOSE);
                continue;
            }
            int r = rng.nextInt(100);
            if (r < 4) {
                accept();
            } else if (r < 12) {
                establish();
            } else if (r < 15) {
                exit();
            } else if (r < 50) {
                call();
            } else if (r < 65) {
                respond();
            } else if (r < 79) {
                flush();
            } else if (r < 84) {
                protocolTraffic();
            } else if (r < 93) {
                inboundPing();
            } else {
                h.now += rng.nextInt(1_500);
                observe(h.step(new Input.TimerFired()));
            }
        }
        // Let the driver report every exit it owes, then wait out every deadline.
        for (Long inc : new ArrayList<>(driverOpen)) {
            reportExit(inc, ExitCause.CLEAN_CLOSE);
        }
        h.now += LIMITS.proxyRequestTimeoutMs();
        observe(h.step(new Input.TimerFired()));

        assertEquals(0, h.engine.tracker().size(), "tracker must be empty");
        assertEquals(CALLS, completions.size(), "every call completed");
        for (var e : completions.entrySet()) {
            assertEquals(1, e.getValue(), "call " + e.getKey() + " completions");
        }
        for (String kind : List.of("Ok", "Inner", "InvalidResponse", "Disconnected", "Busy(LOCAL_QUEUE)",
                "Busy(CONNECTION_QUEUE)", "Timeout")) {
            assertTrue(outcomes.getOrDefault(kind, 0) > 0, "no " + kind + " outcome in " + outcomes + " after "
                    + steps + " steps; engine closes " + closeCauses + ", mean connected peers "
                    + (double) connectedSum / steps);
        }
        assertTrue(h.engine.tracker().ignoredResponses() > 0);

        observe(h.step(new Input.Shutdown()));
        assertEquals(CALLS, completions.size());
    }

    private void checkProtocolView() {
        assertEquals(protocolView, new TreeSet<>(h.engine.connectedPeers()), "protocol view of connected peers");
    }

    private NodeId randomPeer() {
        return PEERS.get(rng.nextInt(PEERS.size()));
    }

    private <T> T pick(TreeSet<T> set) {
        int i = rng.nextInt(set.size());
        for (T t : set) {
            if (i-- == 0) {
                return t;
            }
        }
        throw new AssertionError();
    }

    private void accept() {
        List<Output> out = new ArrayList<>();
        long inc = h.engine.allocateInbound(h.now, out);
        driverOpen.add(inc);
        handshaking.add(inc);
        h.settle();
        observe(out);
    }

    private void establish() {
        if (!exitReported.isEmpty() && rng.nextInt(8) == 0) {
            // A queued "established" for an incarnation that is already gone: must change nothing.
            long gone = pick(exitReported);
            observe(h.step(new Input.ConnEstablished(gone, randomPeer())));
            return;
        }
        if (handshaking.isEmpty()) {
            return;
        }
        long inc = pick(handshaking);
        handshaking.remove(inc);
        carrying.add(inc);
        observe(h.step(new Input.ConnEstablished(inc, randomPeer())));
    }

    private void exit() {
        if (!exitReported.isEmpty() && rng.nextInt(5) == 0) {
            observe(h.step(new Input.ConnExited(pick(exitReported), ExitCause.IO_ERROR))); // duplicate exit
            return;
        }
        if (driverOpen.isEmpty()) {
            return;
        }
        ExitCause[] causes = ExitCause.values();
        reportExit(pick(driverOpen), causes[rng.nextInt(causes.length)]);
    }

    private void reportExit(long inc, ExitCause cause) {
        driverOpen.remove(inc);
        handshaking.remove(inc);
        owedExits.remove(inc);
        carrying.remove(inc);
        exitReported.add(inc);
        unflushed.remove(inc);
        remotePending.removeIf(s -> s.incarnation() == inc); // lost with the connection
        observe(h.step(new Input.ConnExited(inc, cause)));
    }

    private void call() {
        long replyId = ++issued;
        ProxyOp op = switch (rng.nextInt(3)) {
            case 0 -> EngineHarness.COMMIT;
            case 1 -> EngineHarness.STATUS;
            default -> new ProxyOp.PrepareAndCommit(ProxyTrackerTest.sampleConfig(), null);
        };
        // Mostly to a peer the protocol believes connected, sometimes to anyone.
        NodeId to = !protocolView.isEmpty() && rng.nextInt(5) != 0 ? pick(protocolView) : randomPeer();
        observe(h.proxy(replyId, to, op));
    }

    private void respond() {
        int kind = rng.nextInt(100);
        if (kind < 5 && !driverOpen.isEmpty()) {
            // A response for a request id nobody sent.
            deliver(pick(driverOpen), new WireMsg.ProxyResponse(1_000_000 + rng.nextInt(1000),
                    EngineHarness.COMMITTED));
            return;
        }
        if (kind < 12 && !answered.isEmpty()) {
            // A duplicate of an answer already delivered.
            Sent s = answered.get(rng.nextInt(answered.size()));
            if (driverOpen.contains(s.incarnation())) {
                deliver(s.incarnation(), new WireMsg.ProxyResponse(s.requestId(), correct(s.op())));
            }
            return;
        }
        if (remotePending.isEmpty()) {
            return;
        }
        Sent s = remotePending.remove(rng.nextInt(remotePending.size()));
        ProxyResult result;
        int shape = rng.nextInt(100);
        if (shape < 70) {
            result = correct(s.op());
        } else if (shape < 85) {
            result = new ProxyResult.Failed(new NodeError.NotPrepared(Epoch.of(2)));
        } else {
            result = s.op() instanceof ProxyOp.Status ? EngineHarness.COMMITTED : EngineHarness.statusResult();
        }
        long on = s.incarnation();
        if (rng.nextInt(10) == 0 && !driverOpen.isEmpty()) {
            on = pick(driverOpen); // arrives on another incarnation: must not complete the request
        }
        answered.add(s);
        if (driverOpen.contains(on)) {
            deliver(on, new WireMsg.ProxyResponse(s.requestId(), result));
        }
    }

    private static ProxyResult correct(ProxyOp op) {
        return op instanceof ProxyOp.Status ? EngineHarness.statusResult() : EngineHarness.COMMITTED;
    }

    private void deliver(long inc, WireMsg msg) {
        observe(h.step(new Input.FrameReceived(inc, msg)));
    }

    private void flush() {
        if (unflushed.isEmpty()) {
            return;
        }
        long inc = pick(new TreeSet<>(unflushed.keySet()));
        int n = 1 + rng.nextInt(unflushed.get(inc));
        unflushed.merge(inc, -n, Integer::sum);
        if (unflushed.get(inc) == 0) {
            unflushed.remove(inc);
        }
        observe(h.step(new Input.FramesFlushed(inc, n)));
    }

    private void protocolTraffic() {
        observe(h.sendProtocol(randomPeer(), EngineHarness.GET_SHARE));
    }

    private void inboundPing() {
        if (!carrying.isEmpty()) {
            deliver(pick(carrying), new WireMsg.Ping());
        }
    }

    /** Checks and records what the engine asked for, as a driver would carry it out. */
    private void observe(List<Output> out) {
        for (Output o : out) {
            switch (o) {
                case Output.Dial d -> {
                    driverOpen.add(d.incarnation());
                    handshaking.add(d.incarnation());
                }
                case Output.SendFrame s -> {
                    assertFalse(closedByEngine.contains(s.incarnation()), "frame after close on " + s.incarnation());
                    assertFalse(exitReported.contains(s.incarnation()), "frame after exit on " + s.incarnation());
                    unflushed.merge(s.incarnation(), 1, Integer::sum);
                    if (s.msg() instanceof WireMsg.ProxyRequest req) {
                        remotePending.add(new Sent(s.incarnation(), req.requestId(), req.op()));
                    }
                }
                case Output.CloseConn c -> {
                    closedByEngine.add(c.incarnation());
                    closeCauses.merge(c.cause().name(), 1, Integer::sum);
                    handshaking.remove(c.incarnation());
                    carrying.remove(c.incarnation());
                    if (driverOpen.contains(c.incarnation())) {
                        owedExits.add(c.incarnation());
                    }
                    unflushed.remove(c.incarnation());
                }
                case Output.Reply r -> {
                    assertTrue(r.replyId() >= 1 && r.replyId() <= issued, "reply to a call never made: " + r);
                    int n = completions.merge(r.replyId(), 1, Integer::sum);
                    if (n > 1) {
                        fail("call " + r.replyId() + " completed twice, now with " + r.response());
                    }
                    outcomes.merge(classify(((ApiResponse.Proxied) r.response()).result()), 1, Integer::sum);
                    if (((ApiResponse.Proxied) r.response()).result() instanceof Result.Err<?, ?> err && err.error() instanceof ProxyError.Timeout t) {
                        assertTrue(t.afterMs() >= LIMITS.proxyRequestTimeoutMs(), "timed out early: " + t);
                    }
                }
                case Output.Accepted a -> fail("this test allocates inbound incarnations itself: " + a);
                case Output.RaiseAlarm a -> fail("unexpected alarm " + a);
                case Output.PeerRefused r -> { }
                case Output.TraceEvent t -> { }
            }
        }
        for (ProtocolEvent e : h.takeProtocolEvents()) {
            switch (e) {
                case ProtocolEvent.PeerConnected c -> protocolView.add(c.peer());
                case ProtocolEvent.PeerDisconnected d ->
                        assertTrue(protocolView.remove(d.peer()), "disconnect of a peer not connected: " + d.peer());
                case ProtocolEvent.PeerMessage m -> fail("no protocol frames are delivered in this test");
                case ProtocolEvent.ProxiedRequest p -> fail("no proxy requests are delivered in this test");
                case ProtocolEvent.ApiForProtocol a -> fail("no protocol API calls in this test");
            }
        }
    }

    private static String classify(Object response) {
        @SuppressWarnings("unchecked")
        Result<ProxyResult, ProxyError> r = (Result<ProxyResult, ProxyError>) response;
        return switch (r) {
            case Result.Ok<ProxyResult, ProxyError> ok -> "Ok";
            case Result.Err<ProxyResult, ProxyError> err -> switch (err.error()) {
                case ProxyError.Inner i -> "Inner";
                case ProxyError.Disconnected d -> "Disconnected";
                case ProxyError.Busy b -> "Busy(" + b.which() + ")";
                case ProxyError.Timeout t -> "Timeout";
                case ProxyError.InvalidResponse i -> "InvalidResponse";
                case ProxyError.Shutdown s -> "Shutdown";
            };
        };
    }
}
