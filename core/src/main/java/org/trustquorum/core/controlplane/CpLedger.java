package org.trustquorum.core.controlplane;

import java.util.List;
import org.trustquorum.core.model.Configuration;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.RackId;

/**
 * The control plane's durable record (its database): survives a control-plane crash.
 *
 * @param bootstrap        nodes reachable directly before any commit (the initial rack)
 * @param latestCommitted  the latest configuration the control plane decided to commit, or null
 * @param committedNodes   nodes the control plane reaches directly: the bootstrap set, then every node
 *                         that reported a commit, less those a completed reconfiguration removed
 * @param attempt          the reconfiguration in progress, or null
 * @param nextEpoch        the epoch the next attempt will use
 * @param removed          nodes a completed reconfiguration removed: expunged for good, never re-added
 */
public record CpLedger(RackId rackId, List<NodeId> bootstrap, Configuration latestCommitted, List<NodeId> committedNodes,
        Attempt attempt, Epoch nextEpoch, List<NodeId> removed) {

    public CpLedger {
        bootstrap = List.copyOf(bootstrap);
        committedNodes = List.copyOf(committedNodes);
        removed = List.copyOf(removed);
    }

    /**
     * One reconfiguration attempt.
     *
     * @param config        the coordinator's configuration once learned, else null
     * @param commitDecided true once enough members acked: the attempt can no longer be aborted
     * @param acked         members that acknowledged the prepare (as of the commit decision)
     * @param confirmed     members that answered COMMITTED
     */
    public record Attempt(Epoch epoch, Epoch lastCommitted, List<NodeId> members, int threshold, NodeId coordinator,
            Configuration config, boolean commitDecided, List<NodeId> acked, List<NodeId> confirmed) {
        public Attempt {
            members = List.copyOf(members);
            acked = List.copyOf(acked);
            confirmed = List.copyOf(confirmed);
        }
    }
}
