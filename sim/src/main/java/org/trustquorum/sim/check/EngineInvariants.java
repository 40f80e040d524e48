package org.trustquorum.sim.check;

import org.trustquorum.core.engine.NodeEngine;

/** The engine's own structural invariants (connection table, tracker, protocol's view of peers). */
public final class EngineInvariants {
    public static final String NAME = "engine-invariants";

    private EngineInvariants() {}

    public static void check(String node, NodeEngine engine) {
        try {
            engine.checkInvariants();
        } catch (RuntimeException e) {
            throw new Violation(NAME, node + ": " + e.getMessage());
        }
    }
}
