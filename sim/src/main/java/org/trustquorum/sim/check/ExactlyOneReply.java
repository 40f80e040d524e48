package org.trustquorum.sim.check;

/** Every API call gets exactly one reply: none for an unknown id, none twice. */
public final class ExactlyOneReply {
    public static final String NAME = "exactly-one-reply";

    private ExactlyOneReply() {}

    public static Violation unknown(String node, long replyId, Object response) {
        return new Violation(NAME, node + " replied to call " + replyId
                + ", which is not an open call of this node (unknown or answered already): " + response);
    }
}
