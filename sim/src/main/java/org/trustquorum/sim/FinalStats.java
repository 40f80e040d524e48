package org.trustquorum.sim;

import java.util.EnumMap;
import java.util.Map;
import org.trustquorum.core.model.Configuration;
import org.trustquorum.core.model.NodeId;

/** The statistics taken once a run has ended: the final configuration and what the nodes hold. */
final class FinalStats {
    private FinalStats() {
    }

    /**
     * Adds the end-of-run entries to {@code stats}: {@code latest} is the control plane's last
     * committed configuration (null if none); {@code netConfigGeneration} the last one pushed.
     */
    static void record(EnumMap<Stat, Long> stats, Configuration latest, SimNode[] nodes, Map<NodeId, SimNode> byId,
            long netConfigGeneration) {
        if (latest != null) {
            stats.put(Stat.FINAL_EPOCH, latest.epoch().value());
            long mask = 0;
            for (NodeId m : latest.memberIds()) {
                mask |= 1L << byId.get(m).index;
            }
            stats.put(Stat.FINAL_MEMBERS, mask);
        }
        long expunged = 0;
        for (SimNode n : nodes) {
            if (n.ledger.durable().isExpunged()) {
                expunged++;
            }
        }
        stats.put(Stat.EXPUNGED_NODES, expunged);
        long current = 0;
        for (SimNode n : nodes) {
            var stored = n.ledger.durable().networkConfig();
            if (netConfigGeneration > 0 && stored != null && stored.generation() == netConfigGeneration) {
                current++;
            }
        }
        stats.put(Stat.NETWORK_CONFIG_CURRENT, current);
    }
}
