package org.trustquorum.core.api;

import java.util.List;
import org.trustquorum.core.model.Alarm;
import org.trustquorum.core.model.Configuration;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.ExpungedMarker;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.RackId;

/**
 * A node's status as reported to the control plane (locally or through a proxy). Holds no secret.
 *
 * @param rackId         rack id of the latest configuration, or null
 * @param coordinator    what this node coordinates, or null
 * @param proxied        in-flight proxied requests this node originated
 */
public record NodeStatus(NodeId id, List<NodeId> connectedPeers, List<Alarm> alarms, RackId rackId,
        List<Epoch> configEpochs, List<Epoch> shareEpochs, List<Epoch> committedEpochs, ExpungedMarker expunged,
        CoordinatorStatus coordinator, Epoch computingShareFor, List<ProxiedRequest> proxied) {

    public NodeStatus {
        connectedPeers = List.copyOf(connectedPeers);
        alarms = List.copyOf(alarms);
        configEpochs = List.copyOf(configEpochs);
        shareEpochs = List.copyOf(shareEpochs);
        committedEpochs = List.copyOf(committedEpochs);
        proxied = List.copyOf(proxied);
    }

    public Epoch latestCommittedEpoch() {
        return committedEpochs.isEmpty() ? Epoch.NONE : committedEpochs.get(committedEpochs.size() - 1);
    }

    public boolean hasCommitted(Epoch epoch) {
        return committedEpochs.contains(epoch);
    }

    public boolean hasPrepared(Epoch epoch) {
        return configEpochs.contains(epoch) && shareEpochs.contains(epoch);
    }

    /**
     * The coordinator's phase and the members that acknowledged its prepare.
     *
     * @param config the new configuration once built (null while collecting shares)
     */
    public record CoordinatorStatus(Epoch epoch, Phase phase, List<NodeId> acked, Configuration config) {
        public CoordinatorStatus {
            acked = List.copyOf(acked);
        }
    }

    public enum Phase {
        COLLECTING_SHARES, COLLECTING_ACKS
    }

    /** One in-flight proxied request. */
    public record ProxiedRequest(long requestId, NodeId destination, String op) {}
}
