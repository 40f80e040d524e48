package org.trustquorum.sim.check;

/** An engine sends only on incarnations that are established and that it has not closed and whose exit it has not seen (§4.1). */
public final class NoSendAfterClose {
    public static final String NAME = "no-send-after-close";

    private NoSendAfterClose() {}

    public static Violation of(String node, long inc, String what, String why) {
        return new Violation(NAME, node + " sent " + what + " on incarnation " + inc + ", which " + why);
    }
}
