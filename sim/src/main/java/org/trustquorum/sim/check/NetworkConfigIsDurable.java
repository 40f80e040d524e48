package org.trustquorum.sim.check;

import org.trustquorum.core.model.PersistentState;
import org.trustquorum.core.model.StoredNetworkConfig;

/**
 * The gossiped network configuration is durable: a node releases a generation only once its durable
 * state holds that generation or a newer one, and the stored generation never goes back.
 */
public final class NetworkConfigIsDurable {
    public static final String NAME = "network-config-durable";

    private NetworkConfigIsDurable() {}

    /** {@code node} releases a NetworkConfig frame of {@code generation}. */
    public static void onSend(String node, long generation, PersistentState durable) {
        StoredNetworkConfig stored = durable.networkConfig();
        if (stored == null || stored.generation() < generation) {
            throw new Violation(NAME, node + " sent network config generation " + generation
                    + " but its durable state holds " + (stored == null ? "none" : "generation " + stored.generation()));
        }
    }

    /** {@code node} persists {@code next} over {@code before}. */
    public static void onPersist(String node, PersistentState before, PersistentState next) {
        StoredNetworkConfig was = before.networkConfig();
        StoredNetworkConfig now = next.networkConfig();
        if (was != null && (now == null || now.generation() < was.generation())) {
            throw new Violation(NAME, node + " persisted network config " + (now == null ? "none" : "generation "
                    + now.generation()) + " over generation " + was.generation());
        }
    }
}
