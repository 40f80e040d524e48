package org.trustquorum.sim.check;

import org.trustquorum.core.model.PersistentState;

/** Once a node's durable state is expunged, it never changes again. */
public final class ExpungedIsFinal {
    public static final String NAME = "expunged-is-final";

    private ExpungedIsFinal() {}

    public static void check(String node, PersistentState before, PersistentState after) {
        if (before.isExpunged() && !after.equals(before)) {
            throw new Violation(NAME, node + " was expunged (" + before.expunged() + ") but persisted a change: "
                    + before + " -> " + after);
        }
    }
}
