package org.trustquorum.sim.check;

import java.util.HashMap;
import java.util.Map;
import org.trustquorum.core.model.Configuration;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.PersistentState;

/** Across every node's durable state, an epoch has one configuration. Lookup only: no iteration order matters. */
public final class OneConfigPerEpoch {
    public static final String NAME = "one-config-per-epoch";
    private final Map<Epoch, Configuration> seen = new HashMap<>();
    private final Map<Epoch, String> firstHolder = new HashMap<>();

    public void onPersist(String node, PersistentState state) {
        for (Configuration c : state.configs()) {
            Configuration first = seen.putIfAbsent(c.epoch(), c);
            if (first == null) {
                firstHolder.put(c.epoch(), node);
            } else if (first != c && !first.equals(c)) {
                throw new Violation(NAME, node + " persisted a configuration for epoch " + c.epoch()
                        + " that differs from the one " + firstHolder.get(c.epoch()) + " persisted");
            }
        }
    }

    /** The configuration some node persisted for an epoch, or null. */
    public Configuration configFor(Epoch epoch) {
        return seen.get(epoch);
    }
}
