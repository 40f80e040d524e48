package org.trustquorum.sim.check;

import org.trustquorum.core.msg.WireMsg;

/** An engine sends only on incarnations that are established and that it has not closed and whose exit it has not seen (§4.1). */
public final class NoSendAfterClose {
    public static final String NAME = "no-send-after-close";

    private NoSendAfterClose() {}

    /**
     * An engine sends {@code msg} on incarnation {@code inc}. In the simulator's model that
     * incarnation must be allocated and not exited ({@code live}), not closed by the engine, and
     * established.
     */
    public static void check(String node, long inc, WireMsg msg, boolean live, boolean closedByEngine,
            boolean established) {
        if (!live) {
            throw of(node, inc, WireMsg.kind(msg), "has exited or was never allocated");
        }
        if (closedByEngine) {
            throw of(node, inc, WireMsg.kind(msg), "the engine had closed");
        }
        if (!established) {
            throw of(node, inc, WireMsg.kind(msg), "is not established");
        }
    }

    public static Violation of(String node, long inc, String what, String why) {
        return new Violation(NAME, node + " sent " + what + " on incarnation " + inc + ", which " + why);
    }
}
