package org.trustquorum.sim.check;

import org.trustquorum.core.engine.ProxyTracker;

/** Once an incarnation is gone (exit delivered or closed), no proxied request waits on it (§4.3 case 7). */
public final class TrackerClearedOnExit {
    public static final String NAME = "tracker-cleared-on-exit";

    private TrackerClearedOnExit() {}

    public static void check(String node, long inc, ProxyTracker tracker) {
        if (tracker.size() > 0 && tracker.incarnations().contains(inc)) {
            throw new Violation(NAME, node + " still tracks proxied requests on incarnation " + inc
                    + " after it ended");
        }
    }
}
