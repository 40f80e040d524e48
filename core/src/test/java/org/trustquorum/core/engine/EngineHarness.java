package org.trustquorum.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.trustquorum.core.api.CommitStatus;
import org.trustquorum.core.api.NodeStatus;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.RackId;
import org.trustquorum.core.model.Result;
import org.trustquorum.core.msg.PeerMsg;
import org.trustquorum.core.msg.ProxyOp;
import org.trustquorum.core.msg.ProxyResult;
import org.trustquorum.core.msg.WireMsg;

/**
 * Drives one {@link ConnectionEngine} the way a driver would, with a manual clock. Every call
 * drains the protocol events and checks the engine's invariants afterwards.
 */
final class EngineHarness {
    static final NodeId SELF = new NodeId("913-0000019", "SELF");
    static final NodeId B = new NodeId("913-0000019", "B");
    static final NodeId C = new NodeId("913-0000019", "C");
    static final NodeId D = new NodeId("913-0000019", "D");
    static final NodeId E = new NodeId("913-0000019", "E");
    static final PeerAddress SELF_ADDR = new PeerAddress("fd00::5", 12345);
    static final RackId RACK = new RackId(0x1234L, 0x5678L);
    static final ProxyOp COMMIT = new ProxyOp.Commit(RACK, Epoch.of(2), null);
    static final ProxyOp STATUS = new ProxyOp.Status();
    static final ProxyResult COMMITTED = new ProxyResult.Commit(CommitStatus.COMMITTED);
    static final PeerMsg GET_SHARE = new PeerMsg.GetShare(RACK, Epoch.of(1));

    final ConnectionEngine engine;
    final List<ProtocolEvent> protocolEvents = new ArrayList<>();
    long now;

    EngineHarness() {
        this(EngineLimits.DEFAULTS);
    }

    EngineHarness(EngineLimits limits) {
        this(limits, 1);
    }

    /**
     * The mutation every new harness runs with. Only {@link MutationsBreakGuardsTest} changes it,
     * to show that each scripted race test fails once its guard is switched off.
     */
    static org.trustquorum.core.Mutation mutationForNewHarnesses = org.trustquorum.core.Mutation.NONE;

    EngineHarness(EngineLimits limits, long seed) {
        engine = new ConnectionEngine(SELF, SELF_ADDR, limits, new SplittableRandom(seed), null,
                mutationForNewHarnesses);
    }

    static ProxyResult statusResult() {
        return new ProxyResult.Status(new NodeStatus(B, List.of(), List.of(), null, List.of(), List.of(), List.of(),
                null, null, null, List.of()));
    }

    List<Output> step(Input in) {
        List<Output> out = new ArrayList<>();
        engine.handle(in, now, out);
        settle();
        return out;
    }

    List<Output> at(long t, Input in) {
        now = t;
        return step(in);
    }

    long accept() {
        List<Output> out = new ArrayList<>();
        long inc = engine.allocateInbound(now, out);
        assertEquals(List.of(), out, "accepting produced outputs");
        settle();
        return inc;
    }

    /** Accepts and establishes an inbound connection from {@code peer}; returns its incarnation. */
    long connectInbound(NodeId peer) {
        long inc = accept();
        step(new Input.ConnEstablished(inc, peer));
        assertEquals(inc, engine.table().currentIncarnation(peer).orElseThrow());
        return inc;
    }

    List<Output> proxy(long replyId, NodeId destination, ProxyOp op) {
        return step(new Input.ApiCall(replyId, new ApiRequest.Proxy(destination, op)));
    }

    List<Output> sendProtocol(NodeId to, PeerMsg msg) {
        List<Output> out = new ArrayList<>();
        engine.sendProtocol(to, msg, now, out);
        settle();
        return out;
    }

    List<Output> answer(long inc, long requestId, ProxyResult result) {
        List<Output> out = new ArrayList<>();
        engine.answerProxyRequest(inc, requestId, result, now, out);
        settle();
        return out;
    }

    /** Drains protocol events and checks invariants (done by every other helper). */
    void settle() {
        protocolEvents.addAll(engine.drainProtocolEvents());
        engine.checkInvariants();
    }

    List<ProtocolEvent> takeProtocolEvents() {
        List<ProtocolEvent> all = List.copyOf(protocolEvents);
        protocolEvents.clear();
        return all;
    }

    // --- output helpers -----------------------------------------------------------------

    static <T extends Output> List<T> only(List<Output> out, Class<T> type) {
        List<T> r = new ArrayList<>();
        for (Output o : out) {
            if (type.isInstance(o)) {
                r.add(type.cast(o));
            }
        }
        return r;
    }

    /** Outputs without trace events. */
    static List<Output> effects(List<Output> out) {
        return out.stream().filter(o -> !(o instanceof Output.TraceEvent)).toList();
    }

    /** The single request id of the single ProxyRequest frame in {@code out}, sent on {@code inc}. */
    static long sentProxyRequestId(List<Output> out, long inc) {
        List<Output.SendFrame> sends = only(out, Output.SendFrame.class);
        assertEquals(1, sends.size(), "expected exactly one frame: " + out);
        assertEquals(inc, sends.get(0).incarnation());
        assertTrue(sends.get(0).msg() instanceof WireMsg.ProxyRequest, "expected a ProxyRequest: " + out);
        return ((WireMsg.ProxyRequest) sends.get(0).msg()).requestId();
    }

    static Output.Reply reply(long replyId, ProxyError error) {
        return new Output.Reply(replyId, new ApiResponse.Proxied(Result.err(error)));
    }

    static Output.Reply replyOk(long replyId, ProxyResult value) {
        return new Output.Reply(replyId, new ApiResponse.Proxied(Result.ok(value)));
    }
}
