package org.trustquorum.core;

/**
 * Deliberate bugs the simulator can switch on to measure its own power (each must be caught by a
 * default campaign). Production code always runs with {@link #NONE}; every guard that a mutation
 * disables is marked where it is checked.
 */
public enum Mutation {
    NONE("no mutation"),
    // --- the review's cases (DESIGN.md §4.3) ---
    TRACK_UNSENT_PROXY_REQUEST("case 1: a proxy request with no live connection is tracked (no deadline) instead of failing Disconnected"),
    SILENT_QUEUE_DROP("case 2: a full outbound queue drops the frame silently and keeps the connection"),
    IGNORE_HANDLER_EXCEPTION_EXIT("case 3: an exit caused by a handler exception is never processed"),
    APPLY_STALE_EXIT("case 4: the exit of a replaced incarnation disconnects the peer"),
    APPLY_ABORTED_CONNECT("case 5: a queued 'connected' from an aborted incarnation marks the peer connected"),
    KEEP_DUPLICATE_CONNECTION("case 6: a duplicate accepted connection does not replace the established one; both stay"),
    TRACKER_NOT_CLEARED_ON_EXIT("case 7: requests of an exiting incarnation are not failed"),
    REPROXY_REQUEST("case 8: a node that receives a proxied request proxies it again"),
    REPLY_BEFORE_PERSIST("case 9: outputs are released before the state change behind them is durable"),
    // --- protocol bugs ---
    ACK_PREPARE_WITHOUT_PERSIST("a Prepare is acked without persisting the share and configuration"),
    COMPUTE_SHARE_AT_WRONG_X("a member that missed the prepare computes its share at the wrong x and skips the digest check"),
    COMMIT_WITHOUT_PREPARE("commit records an epoch the node never prepared"),
    SKIP_STALE_PREPARE_CHECK("a Prepare older than the latest commit is accepted and acked"),
    // --- authorisation gates (a hostile certificate holder; caught by --faults hostile) ---
    ACCEPT_UNSIGNED_PREPARE("a Prepare is stored and acked without checking the control plane's proposal signature"),
    COMMIT_ADVANCE_UNSIGNED("a CommitAdvance is acted on without checking the control plane's commit signature"),
    ACCEPT_EXPUNGED_WITHOUT_PROOF("an Expunged is obeyed without a signed committed configuration that excludes the receiver"),
    COMMIT_CALL_UNSIGNED("a commit or prepare-and-commit call (direct or proxied) skips the commit signature check"),
    COORDINATE_UNSIGNED_REQUEST("a coordinator starts a reconfiguration whose request the control plane never signed");

    private final String description;

    Mutation(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }

    /** The command-line name, e.g. {@code apply-stale-exit}. */
    public String cliName() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    public static Mutation fromCliName(String name) {
        for (Mutation m : values()) {
            if (m.cliName().equals(name)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown mutant '" + name + "'");
    }
}
