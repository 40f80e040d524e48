package org.trustquorum.sim;

import java.util.Locale;

/** How much trouble a run injects. SWARM draws a different mix of faults and rates for each seed. */
public enum FaultProfile {
    /** The scenario only: no crashes, partitions, aborts or stalls (network delays still vary). */
    NONE,
    /** A few faults of every kind. */
    LIGHT,
    /** Many faults of every kind. */
    HEAVY,
    /** Swarm testing: each seed enables its own subset of fault kinds with its own rates (a few seeds are hostile). */
    SWARM,
    /**
     * Light faults plus hostile certificate holders: a spare that was never a member and a member
     * (which the scenario may remove) send forged, replayed and mis-addressed frames.
     */
    HOSTILE;

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static FaultProfile fromCliName(String name) {
        for (FaultProfile p : values()) {
            if (p.cliName().equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown fault profile '" + name + "' (none, light, heavy, swarm, hostile)");
    }
}
