package org.trustquorum.sim.check;

/** An engine step threw: a broken internal check in core, or a crash on some input. */
public final class EngineException {
    public static final String NAME = "engine-exception";

    private EngineException() {}

    public static Violation of(String node, String input, RuntimeException e) {
        StackTraceElement[] st = e.getStackTrace();
        String where = st.length > 0 ? " at " + st[0] : "";
        return new Violation(NAME, node + " threw " + e.getClass().getSimpleName() + " on " + input + ": "
                + e.getMessage() + where);
    }
}
