package org.trustquorum.sim.scenario;

import java.util.List;
import org.trustquorum.core.Check;
import org.trustquorum.core.model.Configuration;

/**
 * What a run does, apart from network timing: the nodes, the initial configuration, the fault mix
 * and the timed entries of the safety phase (sorted by time).
 *
 * @param nodes            total number of simulated nodes
 * @param initialMembers   node indices of the first configuration (the control plane's bootstrap set)
 * @param initialThreshold K of the first configuration
 */
public record Schedule(int nodes, FaultMix mix, List<Integer> initialMembers, int initialThreshold,
        List<Entry> entries) {
    public static final int MIN_NODES = Configuration.MIN_MEMBERS;
    public static final int MAX_NODES = Configuration.MAX_MEMBERS;

    public Schedule {
        Check.argument(nodes >= MIN_NODES && nodes <= MAX_NODES, "nodes must be in %d..%d, got %d", MIN_NODES,
                MAX_NODES, nodes);
        initialMembers = List.copyOf(initialMembers);
        entries = List.copyOf(entries);
        for (int i = 1; i < entries.size(); i++) {
            Check.argument(entries.get(i - 1).atMs() <= entries.get(i).atMs(), "entries must be sorted by time");
        }
    }

    public Schedule withEntries(List<Entry> replacement) {
        return new Schedule(nodes, mix, initialMembers, initialThreshold, replacement);
    }

    public Schedule withSafetyMs(long ms) {
        return new Schedule(nodes, mix.withSafetyMs(ms), initialMembers, initialThreshold,
                entries.stream().filter(e -> e.atMs() < ms).toList());
    }

    public long faultCount() {
        return entries.stream().filter(Entry::isFault).count();
    }
}
