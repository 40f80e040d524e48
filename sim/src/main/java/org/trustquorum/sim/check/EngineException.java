package org.trustquorum.sim.check;

import org.trustquorum.core.engine.Input;
import org.trustquorum.core.engine.NodeEngine;
import org.trustquorum.core.engine.Step;

/** An engine step threw: a broken internal check in core, or a crash on some input. */
public final class EngineException {
    public static final String NAME = "engine-exception";

    private EngineException() {}

    /** Steps {@code engine} with {@code in} at {@code nowMs}; whatever it throws becomes this check's violation. */
    public static Step step(String node, NodeEngine engine, Input in, long nowMs) {
        try {
            return engine.step(in, nowMs);
        } catch (RuntimeException e) {
            throw of(node, String.valueOf(in), e);
        }
    }

    public static Violation of(String node, String input, RuntimeException e) {
        StackTraceElement[] st = e.getStackTrace();
        String where = st.length > 0 ? " at " + st[0] : "";
        return new Violation(NAME, node + " threw " + e.getClass().getSimpleName() + " on " + input + ": "
                + e.getMessage() + where);
    }
}
