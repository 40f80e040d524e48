package org.trustquorum.sim;

import java.util.ArrayList;
import java.util.List;
import org.trustquorum.core.engine.EngineLimits;
import org.trustquorum.core.engine.Input;
import org.trustquorum.core.engine.NodeEngine;
import org.trustquorum.core.engine.Step;
import org.trustquorum.core.model.PersistentState;

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
        calls.add(new Call(STEP, node, -1, nowMs, input, null));
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
                    Step st = engines[c.node()].step(c.input(), c.nowMs());
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
