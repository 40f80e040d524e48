package org.trustquorum.core.engine;

import java.util.Optional;
import org.trustquorum.core.model.Configuration;
import org.trustquorum.core.model.PersistentState;
import org.trustquorum.core.model.StoredNetworkConfig;
import org.trustquorum.core.msg.WireMsg;
import org.trustquorum.core.protocol.NodeCtx;

/**
 * Ties the gossiped network configuration to the node's persistent state: the gossip starts from
 * the stored value, every newer value it accepts is put into the state (so the engine's step
 * persists it before the reply or the forwarded frames leave), and only members of the node's
 * latest configuration may replace it once the node holds one.
 */
final class DurableNetworkConfig {
    private DurableNetworkConfig() {}

    /** The value the gossip starts with after a (re)start, or null. */
    static WireMsg.NetworkConfig loaded(PersistentState state) {
        StoredNetworkConfig stored = state.networkConfig();
        return stored == null ? null : new WireMsg.NetworkConfig(stored.generation(), stored.blob());
    }

    /** Records the gossip's current value in the state if it is newer than the stored one. */
    static void record(NetworkConfigGossip gossip, NodeCtx ctx) {
        Optional<WireMsg.NetworkConfig> current = gossip.current();
        if (current.isPresent()) {
            StoredNetworkConfig value = new StoredNetworkConfig(current.get().generation(), current.get().blob());
            if (value.isNewerThan(ctx.state().networkConfig())) {
                ctx.updateState(s -> s.withNetworkConfig(value));
            }
        }
    }

    /**
     * Once the node holds a configuration (every stored one carries the control plane's signature),
     * only that latest configuration's members may change its network configuration; a node that
     * holds none (a spare not yet added) takes it from any certificate holder of the rack.
     */
    static GossipGate membersOfLatestConfig(NodeCtx ctx) {
        return from -> {
            Optional<Configuration> latest = ctx.state().latestConfig();
            if (latest.isEmpty() || latest.get().isMember(from)) {
                return Optional.empty();
            }
            return Optional.of(from + " is not a member of epoch " + latest.get().epoch()
                    + ", the latest configuration this node holds");
        };
    }
}
