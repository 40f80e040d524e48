package org.trustquorum.sim.check;

import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.PersistentState;

/** When the control plane receives COMMITTED for epoch e from a node, that node's durable state has committed e (or later). */
public final class ConfirmedCommitIsDurable {
    public static final String NAME = "confirmed-commit-durable";

    private ConfirmedCommitIsDurable() {}

    public static void check(String node, Epoch epoch, PersistentState durable) {
        if (durable.latestCommittedEpoch().isBefore(epoch)) {
            throw new Violation(NAME, "the control plane received COMMITTED for epoch " + epoch + " from " + node
                    + " but its durable state has " + durable);
        }
    }
}
