package org.trustquorum.sim.mutation;

import java.util.ArrayList;
import java.util.List;
import org.trustquorum.core.Mutation;
import org.trustquorum.sim.FaultProfile;
import org.trustquorum.sim.RunResult;
import org.trustquorum.sim.RunSpec;
import org.trustquorum.sim.Simulation;

/**
 * One fixed, bounded part of the mutation campaign: {@code seeds} consecutive seeds from
 * {@code firstSeed} with one node count and fault profile. Runs on the calling thread (PIT runs
 * its own threads) and stops at the first failing seed.
 */
record CampaignSlice(FaultProfile profile, int nodes, long firstSeed, int seeds) {

    /** Runs the slice; returns the first failure (as a report line with its replay command), or null. */
    String firstFailure(Mutation mutant) {
        for (long seed = firstSeed; seed < firstSeed + seeds; seed++) {
            RunResult r = new Simulation(RunSpec.generate(seed, nodes, profile, mutant)).run();
            if (!r.passed()) {
                return "seed " + seed + " (" + nodes + " nodes, " + profile.cliName() + ") failed " + r.check() + ": "
                        + r.message() + "\n  replay: ./tq replay --seed " + seed + " --nodes " + nodes + " --faults "
                        + profile.cliName() + (mutant == Mutation.NONE ? "" : " --mutant " + mutant.cliName());
            }
        }
        return null;
    }

    /** Every failing seed of the slice (for measuring, not for PIT). */
    List<Long> failingSeeds(Mutation mutant) {
        List<Long> failing = new ArrayList<>();
        for (long seed = firstSeed; seed < firstSeed + seeds; seed++) {
            if (!new Simulation(RunSpec.generate(seed, nodes, profile, mutant)).run().passed()) {
                failing.add(seed);
            }
        }
        return failing;
    }
}
