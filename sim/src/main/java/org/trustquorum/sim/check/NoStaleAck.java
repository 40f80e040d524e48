package org.trustquorum.sim.check;

import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.PersistentState;

/** A node never acknowledges a Prepare for an epoch older than its latest commit (a stale Prepare is dropped). */
public final class NoStaleAck {
    public static final String NAME = "no-stale-ack";

    private NoStaleAck() {}

    public static void check(String node, Epoch acked, PersistentState durable) {
        if (acked.isBefore(durable.latestCommittedEpoch())) {
            throw new Violation(NAME, node + " acknowledged a Prepare for epoch " + acked + " after committing epoch "
                    + durable.latestCommittedEpoch());
        }
    }
}
