package org.trustquorum.sim.check;

import java.util.Map;

/** Every proxy call on a live node is answered within the proxy deadline (never hangs). */
public final class ProxyCallCompletes {
    public static final String NAME = "proxy-call-completes";

    private ProxyCallCompletes() {}

    /**
     * A proxy call's deadline has passed: if the node is still in the life that made the call
     * ({@code sameLife}), the call must no longer be among its {@code open} calls.
     */
    public static void atDeadline(String node, boolean sameLife, Map<Long, ?> open, long replyId, long waitedMs) {
        if (sameLife && open.containsKey(replyId)) {
            throw overdue(node, replyId, waitedMs);
        }
    }

    public static Violation overdue(String node, long replyId, long waitedMs) {
        return new Violation(NAME, node + " has not answered proxy call " + replyId + " after " + waitedMs + " ms");
    }
}
