package org.trustquorum.sim;

/** What a run did, counted (for tests, replay output and campaign summaries). */
public enum Stat {
    /** Node crashes of any kind (including graceful stops). */
    CRASHES,
    /** Crashes that hit the coordinator of the attempt in progress. */
    COORDINATOR_CRASHES,
    CONTROL_PLANE_CRASHES,
    /** Reconfigurations the control plane started (including its own retries after an abort). */
    ATTEMPTS_STARTED,
    /** Attempts the control plane aborted (requested, or no progress). */
    ATTEMPTS_ABORTED,
    /** Control-plane calls delivered through a proxy node. */
    PROXIED_CP_CALLS,
    /** Proxied Commit or PrepareAndCommit calls the control plane got COMMITTED for. */
    PROXIED_COMMITS_CONFIRMED,
    /** Control-plane calls made directly to their target. */
    DIRECT_CP_CALLS,
    /** Rack secrets loaded and matched against the oracle. */
    SECRETS_VERIFIED,
    /** Frames lost with their connection. */
    FRAMES_LOST,
    /** The epoch of the last configuration the control plane committed. */
    FINAL_EPOCH,
    /** Members of that configuration, as a bit mask over node indices. */
    FINAL_MEMBERS,
    /** Nodes whose durable state is expunged at the end. */
    EXPUNGED_NODES,
    /** Nodes whose durable state holds the newest network-config generation the scenario issued, at the end. */
    NETWORK_CONFIG_CURRENT
}
