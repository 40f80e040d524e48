package org.trustquorum.sim.check;

import java.util.List;
import org.trustquorum.core.model.Alarm;

/** No node ever raises an alarm. */
public final class NoAlarms {
    public static final String NAME = "no-alarms";

    private NoAlarms() {}

    /** The alarms a node's engine holds: there must be none. */
    public static void check(String node, List<Alarm> alarms) {
        if (!alarms.isEmpty()) {
            throw raised(node, alarms.get(0));
        }
    }

    public static Violation raised(String node, Alarm alarm) {
        return new Violation(NAME, node + " raised " + alarm);
    }
}
