package org.trustquorum.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import org.trustquorum.core.Mutation;
import org.trustquorum.sim.scenario.Entry;
import org.trustquorum.sim.scenario.FaultMix;
import org.trustquorum.sim.scenario.Schedule;

/** Builds scripted runs for scenario tests: a fixed cast, a quiet network, and hand-placed entries. */
final class Scripts {
    private Scripts() {}

    static long mask(int... nodes) {
        long m = 0;
        for (int n : nodes) {
            m |= 1L << n;
        }
        return m;
    }

    /** A run of {@code nodes} nodes whose first configuration is {@code initial} with threshold {@code k}. */
    static RunSpec scripted(long seed, int nodes, int[] initial, int k, long safetyMs, Consumer<FaultMix.Builder> tune,
            Entry... entries) {
        FaultMix.Builder b = FaultMix.quiet(safetyMs);
        tune.accept(b);
        List<Entry> es = new ArrayList<>(Arrays.asList(entries));
        es.sort(Comparator.comparingLong(Entry::atMs));
        List<Integer> init = new ArrayList<>();
        for (int i : initial) {
            init.add(i);
        }
        return new RunSpec(seed, FaultProfile.NONE, Mutation.NONE, new Schedule(nodes, b.build(), init, k, es));
    }

    static RunSpec scripted(long seed, int nodes, int[] initial, int k, long safetyMs, Entry... entries) {
        return scripted(seed, nodes, initial, k, safetyMs, b -> { }, entries);
    }

    static int[] nodes(int... n) {
        return n;
    }
}
