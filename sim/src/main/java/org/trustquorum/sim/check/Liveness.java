package org.trustquorum.sim.check;

/** After the heal, the rack converges within a bound (see the simulator documentation for the condition). */
public final class Liveness {
    public static final String NAME = "liveness";

    private Liveness() {}

    public static Violation notConverged(long boundMs, String unmet) {
        return new Violation(NAME, "not converged " + boundMs + " ms after the heal: " + unmet);
    }
}
