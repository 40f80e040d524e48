package org.trustquorum.sim.check;

import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.PersistentState;

/** Every committed epoch of a durable state has its configuration and the node's share. */
public final class CommittedImpliesPrepared {
    public static final String NAME = "committed-implies-prepared";

    private CommittedImpliesPrepared() {}

    public static void check(String node, PersistentState state) {
        for (Epoch e : state.commits()) {
            if (!state.hasPrepared(e)) {
                throw new Violation(NAME, node + " persisted a commit of epoch " + e
                        + " without its configuration and share: " + state);
            }
        }
    }
}
