package org.trustquorum.sim;

import java.util.ArrayList;
import java.util.List;
import org.trustquorum.core.engine.EngineLimits;
import org.trustquorum.core.engine.Input;
import org.trustquorum.core.engine.NodeEngine;
import org.trustquorum.core.engine.Step;
import org.trustquorum.core.model.PersistentState;
import org.trustquorum.core.msg.PeerMsg;
import org.trustquorum.core.msg.WireMsg;

/**
 * Records every call the simulator makes into the engines (boots, steps, accepts), so the same
 * sequence can be fed to fresh engines without the simulator: the benchmark's "raw engine" figure.
 */
public final class EngineCallRecorder {
    /** One call: BOOT (with the loaded state), STEP (with its input) or ACCEPT. */
    public record Call(int kind, int node, int life, long nowMs, Input input, PersistentState loaded) {}

    public static final int BOOT = 0;
    public static final int STEP = 1;
    public static final int ACCEPT = 2;

    private final List<Call> calls = new ArrayList<>();

    void boot(int node, int life, long nowMs, PersistentState loaded) {
        calls.add(new Call(BOOT, node, life, nowMs, null, loaded));
    }

    void step(int node, long nowMs, Input input) {
        calls.add(new Call(STEP, node, -1, nowMs, withOwnShares(input), null));
    }

    /**
     * The input with copies of any key share it carries: the engine wipes a received share once it
     * has handled it, so a recorded input that kept the original would replay as a zeroed share
     * (refused as not matching its digest) instead of the share the engine saw.
     */
    public static Input withOwnShares(Input input) {
        if (!(input instanceof Input.FrameReceived f) || !(f.msg() instanceof WireMsg.Protocol p)) {
            return input;
        }
        if (p.msg() instanceof PeerMsg.Prepare m) {
            return framed(f, new PeerMsg.Prepare(m.rackId(), m.config(), m.share().copy()));
        }
        if (p.msg() instanceof PeerMsg.Share m) {
            return framed(f, new PeerMsg.Share(m.rackId(), m.epoch(), m.share().copy()));
        }
        return input;
    }

    private static Input framed(Input.FrameReceived f, PeerMsg msg) {
        return new Input.FrameReceived(f.incarnation(), new WireMsg.Protocol(msg));
    }

    void accept(int node, long nowMs) {
        calls.add(new Call(ACCEPT, node, -1, nowMs, null, null));
    }

    public List<Call> calls() {
        return calls;
    }

    /**
     * Feeds recorded calls of the run {@code s} to fresh engines, calling {@code nextDeadlineMs()}
     * after each, as any driver must: the engines' work without the simulator's. Returns a value
     * that depends on every result (so none of the work can be optimised away).
     */
    public static long replay(RunSpec s, List<Call> calls) {
        NodeEngine[] engines = new NodeEngine[s.schedule().nodes()];
        EngineLimits limits = s.schedule().mix().engineLimits();
        long acc = 0;
        for (Call c : calls) {
            switch (c.kind()) {
                case BOOT -> engines[c.node()] = new NodeEngine(Simulation.nodeId(c.node()),
                        Simulation.address(c.node()), c.loaded(), limits,
                        Streams.stream(s.seed(), Streams.NODE, c.node(), c.life()),
                        Simulation.controlPlaneKey(s.seed()).authority(), s.mutant());
                case STEP -> {
                    Step st = engines[c.node()].step(withOwnShares(c.input()), c.nowMs()); // the engine wipes what it gets
                    acc += st.afterPersist().size() + engines[c.node()].nextDeadlineMs();
                }
                default -> {
                    NodeEngine.Accepted a = engines[c.node()].acceptInbound(c.nowMs());
                    acc += a.incarnation() + engines[c.node()].nextDeadlineMs();
                }
            }
        }
        return acc;
    }
}
