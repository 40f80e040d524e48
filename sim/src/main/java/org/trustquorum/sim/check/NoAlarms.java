package org.trustquorum.sim.check;

import org.trustquorum.core.model.Alarm;

/** No node ever raises an alarm. */
public final class NoAlarms {
    public static final String NAME = "no-alarms";

    private NoAlarms() {}

    public static Violation raised(String node, Alarm alarm) {
        return new Violation(NAME, node + " raised " + alarm);
    }
}
