package org.trustquorum.sim.check;

/** A run processes at most a bounded number of events (a livelock guard). */
public final class EventBound {
    public static final String NAME = "event-bound";

    private EventBound() {}

    public static Violation exceeded(long bound, long atMs) {
        return new Violation(NAME, "more than " + bound + " events (at " + atMs + " ms)");
    }
}
