package org.trustquorum.sim;

import org.trustquorum.core.Check;
import org.trustquorum.core.Mutation;
import org.trustquorum.sim.scenario.ScenarioGenerator;
import org.trustquorum.sim.scenario.Schedule;

/**
 * Everything one run depends on: the seed (network timing, engine randomness, control-plane
 * choices), the schedule (drawn from the seed, or shrunk, or loaded from a regression file), and
 * the mutant. {@code profile} only records how the schedule was drawn.
 */
public record RunSpec(long seed, FaultProfile profile, Mutation mutant, Schedule schedule) {
    public RunSpec {
        Check.notNull(profile, "profile");
        Check.notNull(mutant, "mutant");
        Check.notNull(schedule, "schedule");
    }

    /** The run a seed stands for under the given options. */
    public static RunSpec generate(long seed, int nodes, FaultProfile profile, Mutation mutant) {
        return new RunSpec(seed, profile, mutant, ScenarioGenerator.generate(seed, nodes, profile));
    }

    public RunSpec withSchedule(Schedule s) {
        return new RunSpec(seed, profile, mutant, s);
    }

    public RunSpec withMutant(Mutation m) {
        return new RunSpec(seed, profile, m, schedule);
    }
}
