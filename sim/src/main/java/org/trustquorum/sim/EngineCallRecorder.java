package org.trustquorum.sim;

import java.util.ArrayList;
import java.util.List;
import org.trustquorum.core.auth.ConfigAuthority;
import org.trustquorum.core.engine.EngineHost;
import org.trustquorum.core.engine.Input;
import org.trustquorum.core.engine.NodeEngine;
import org.trustquorum.core.engine.Output;
import org.trustquorum.core.engine.Step;
import org.trustquorum.core.model.PersistentState;
import org.trustquorum.core.msg.PeerMsg;
import org.trustquorum.core.msg.WireMsg;

/**
 * Records every call the simulator makes into the engines (boots and steps, an accept being the
 * step of {@link Input.Accept}), so the same sequence can be fed to fresh engines without the
 * simulator: the benchmark's "raw engine" figure.
 */
public final class EngineCallRecorder {
    /** One call: BOOT (with the loaded state) or STEP (with its input). */
    public record Call(int kind, int node, int life, long nowMs, Input input, PersistentState loaded) {}

    public static final int BOOT = 0;
    public static final int STEP = 1;

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

    public List<Call> calls() {
        return calls;
    }

    /**
     * Feeds recorded calls of the run {@code s} to fresh engines, each driven by an
     * {@link EngineHost} as every driver does: the engines' work without the simulator's. Returns a
     * value that depends on every result (so none of the work can be optimised away).
     */
    public static long replay(RunSpec s, List<Call> calls) {
        EngineHost[] hosts = new EngineHost[s.schedule().nodes()];
        Summing io = new Summing();
        // One key per run, its verifier shared by every engine, as in the simulation.
        ConfigAuthority authority = Simulation.controlPlaneKey(s.seed()).authority();
        for (Call c : calls) {
            if (c.kind() == BOOT) {
                hosts[c.node()] = new EngineHost(engine(s, c, authority), io);
            } else {
                hosts[c.node()].step(withOwnShares(c.input()), c.nowMs()); // the engine wipes what it gets
            }
        }
        return io.sum;
    }

    /** A fresh engine for the node and life of the BOOT call {@code boot} of the run {@code s}. */
    public static NodeEngine engine(RunSpec s, Call boot) {
        return engine(s, boot, Simulation.controlPlaneKey(s.seed()).authority());
    }

    private static NodeEngine engine(RunSpec s, Call boot, ConfigAuthority authority) {
        return new NodeEngine(Simulation.nodeId(boot.node()), Simulation.address(boot.node()), boot.loaded(),
                s.schedule().mix().engineLimits(), Streams.stream(s.seed(), Streams.NODE, boot.node(), boot.life()),
                authority, s.mutant());
    }

    /** A driver that does nothing but fold every step's size and every deadline into one number. */
    private static final class Summing implements EngineHost.Io {
        long sum;

        @Override
        public void stepped(Input input, Step step) {
            sum += step.afterPersist().size();
        }

        @Override
        public EngineHost.Durability persist(PersistentState state) {
            sum++;
            return EngineHost.Durability.DURABLE;
        }

        @Override
        public void release(Output output) {}

        @Override
        public void deadline(long atMs) {
            sum += atMs;
        }
    }
}
