package org.trustquorum.sim.mutation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.trustquorum.core.Mutation;
import org.trustquorum.sim.FaultProfile;
import org.trustquorum.sim.RunResult;
import org.trustquorum.sim.cli.Campaign;

/**
 * Measures, for each hand-written mutant, how many consecutive seeds a default campaign needs to
 * catch it: the median over every start seed in 1..N of the distance to the next failing seed
 * (counting the start, wrapping around at N). The table in docs/SIMULATOR.md comes from it:
 * {@code java -cp ... org.trustquorum.sim.mutation.SeedsToDetection [seeds] [threads] [mutant...]}.
 */
final class SeedsToDetection {
    private static final int DEFAULT_SEEDS = 1_000;
    private static final int NODES = 8;

    private SeedsToDetection() {}

    /** Median seeds to detection for failing seeds (1-based, sorted) among 1..n; -1 if none fail. */
    static long median(List<Long> failing, long n) {
        if (failing.isEmpty()) {
            return -1;
        }
        List<Long> distances = new ArrayList<>();
        for (long start = 1; start <= n; start++) {
            long best = Long.MAX_VALUE;
            for (long f : failing) {
                long d = f >= start ? f - start + 1 : n - start + f + 1;
                best = Math.min(best, d);
            }
            distances.add(best);
        }
        distances.sort(null);
        int size = distances.size();
        return size % 2 == 1 ? distances.get(size / 2) : (distances.get(size / 2 - 1) + distances.get(size / 2)) / 2;
    }

    public static void main(String[] args) {
        int seeds = args.length > 0 ? Integer.parseInt(args[0]) : DEFAULT_SEEDS;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : Campaign.defaultThreads();
        List<Mutation> mutants = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            mutants.add(Mutation.fromCliName(args[i]));
        }
        if (mutants.isEmpty()) {
            for (Mutation m : Mutation.values()) {
                if (m != Mutation.NONE) {
                    mutants.add(m);
                }
            }
        }
        System.out.println("| mutant | caught by | failing seeds of " + seeds + " | first | median seeds to detection |");
        for (Mutation m : mutants) {
            List<Long> failing = new ArrayList<>();
            Map<String, Integer> checks = new TreeMap<>();
            List<RunResult> results = Campaign.run(new Campaign.Options(seeds, 1, NODES, FaultProfile.SWARM, m, null,
                    threads), r -> { });
            for (RunResult r : results) {
                if (!r.passed()) {
                    failing.add(r.seed());
                    checks.merge(r.check(), 1, Integer::sum);
                }
            }
            System.out.println("| `" + m.cliName() + "` | " + checks + " | " + failing.size() + " | "
                    + (failing.isEmpty() ? "-" : failing.get(0)) + " | " + median(failing, seeds) + " |");
        }
    }
}
