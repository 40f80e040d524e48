package org.trustquorum.runtime.admin;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.trustquorum.core.api.NodeStatus;
import org.trustquorum.core.model.Configuration;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.NodeId;

/**
 * What the admin API reads from its node to explain a refusal and to vet a reconfiguration's
 * members: the node's status, the configurations it stores, and the peers whose certificates
 * (from the rack's CA) it has seen. Holds no secret.
 *
 * @param certifiedPeers ids named by a certificate that completed a mutual TLS handshake with this
 *                       node since it started
 */
public record NodeView(NodeStatus status, List<Configuration> configs, Set<NodeId> certifiedPeers) {
    public NodeView {
        configs = List.copyOf(configs);
        certifiedPeers = Set.copyOf(certifiedPeers);
    }

    public Optional<Configuration> config(Epoch epoch) {
        return configs.stream().filter(c -> c.epoch().equals(epoch)).findFirst();
    }

    /**
     * Whether this node knows {@code id} as a holder of a certificate the rack issued: it is this
     * node, a member of a configuration it stores, or a peer whose certificate it has verified.
     */
    public boolean knows(NodeId id) {
        return id.equals(status.id()) || certifiedPeers.contains(id) || configs.stream().anyMatch(c -> c.isMember(id));
    }
}
