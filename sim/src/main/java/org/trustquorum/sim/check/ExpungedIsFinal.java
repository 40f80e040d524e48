package org.trustquorum.sim.check;

import org.trustquorum.core.model.PersistentState;

/**
 * Once a node's durable state is expunged, its trust-quorum part never changes again. The gossiped
 * network configuration is not part of it: an expunged node stays on the bootstrap network and
 * still stores newer generations.
 */
public final class ExpungedIsFinal {
    public static final String NAME = "expunged-is-final";

    private ExpungedIsFinal() {}

    public static void check(String node, PersistentState before, PersistentState after) {
        if (before.isExpunged() && !protocolPart(after).equals(protocolPart(before))) {
            throw new Violation(NAME, node + " was expunged (" + before.expunged() + ") but persisted a change: "
                    + before + " -> " + after);
        }
    }

    private static PersistentState protocolPart(PersistentState s) {
        return new PersistentState(s.configs(), s.shares(), s.commits(), s.expunged(), s.commitProofs(),
                s.controlPlaneKey(), null);
    }
}
