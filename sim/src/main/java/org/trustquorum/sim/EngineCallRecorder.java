package org.trustquorum.sim;

import java.util.ArrayList;
import java.util.List;
import org.trustquorum.core.engine.Input;
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
}
