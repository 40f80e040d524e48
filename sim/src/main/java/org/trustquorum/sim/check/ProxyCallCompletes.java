package org.trustquorum.sim.check;

/** Every proxy call on a live node is answered within the proxy deadline (never hangs). */
public final class ProxyCallCompletes {
    public static final String NAME = "proxy-call-completes";

    private ProxyCallCompletes() {}

    public static Violation overdue(String node, long replyId, long waitedMs) {
        return new Violation(NAME, node + " has not answered proxy call " + replyId + " after " + waitedMs + " ms");
    }
}
