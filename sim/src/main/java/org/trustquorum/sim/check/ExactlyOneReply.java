package org.trustquorum.sim.check;

import java.util.Map;

/** Every API call gets exactly one reply: none for an unknown id, none twice. */
public final class ExactlyOneReply {
    public static final String NAME = "exactly-one-reply";

    private ExactlyOneReply() {}

    /**
     * A reply to {@code replyId} arrived: takes that call out of the node's open calls and returns
     * it. A reply to a call that is not open (never made, or answered already) is a violation.
     */
    public static <C> C answer(String node, Map<Long, C> open, long replyId, Object response) {
        C call = open.remove(replyId);
        if (call == null) {
            throw unknown(node, replyId, response);
        }
        return call;
    }

    public static Violation unknown(String node, long replyId, Object response) {
        return new Violation(NAME, node + " replied to call " + replyId
                + ", which is not an open call of this node (unknown or answered already): " + response);
    }
}
