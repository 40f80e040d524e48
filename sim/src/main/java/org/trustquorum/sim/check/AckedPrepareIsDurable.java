package org.trustquorum.sim.check;

import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.PersistentState;

/** When a node releases a PrepareAck for epoch e, its durable state holds the configuration and its share of e. */
public final class AckedPrepareIsDurable {
    public static final String NAME = "acked-prepare-durable";

    private AckedPrepareIsDurable() {}

    public static void check(String node, Epoch epoch, PersistentState durable) {
        if (!durable.hasPrepared(epoch)) {
            throw new Violation(NAME, node + " released a PrepareAck for epoch " + epoch
                    + " but its durable state has no configuration and share for it: " + durable);
        }
    }
}
