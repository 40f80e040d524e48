package org.trustquorum.sim.check;

import org.trustquorum.core.engine.EngineHost;
import org.trustquorum.core.engine.Input;

/** An engine step threw: a broken internal check in core, or a crash on some input. */
public final class EngineException {
    public static final String NAME = "engine-exception";

    private EngineException() {}

    /** Steps {@code host} with {@code in} at {@code nowMs}; whatever the engine throws becomes this check's violation. */
    public static EngineHost.Outcome step(String node, EngineHost host, Input in, long nowMs) {
        try {
            return host.step(in, nowMs);
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
