package org.trustquorum.core.engine;

import java.util.Optional;
import org.trustquorum.core.model.NodeId;

/**
 * Decides whether a peer may change this node's gossiped network configuration. Asked only for a
 * value that would otherwise replace ours (a strictly newer generation).
 */
@FunctionalInterface
public interface GossipGate {
    /** Every connected peer may (the gossip on its own, without a protocol behind it). */
    GossipGate OPEN = from -> Optional.empty();

    /** Why {@code from} may not change the network configuration, or empty if it may. */
    Optional<String> refusal(NodeId from);
}
