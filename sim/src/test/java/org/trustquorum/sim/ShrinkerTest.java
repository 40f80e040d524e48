package org.trustquorum.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.trustquorum.core.Mutation;
import org.trustquorum.sim.shrink.Shrinker;

/** Shrinking keeps the violated check and makes the run smaller. */
class ShrinkerTest {

    @Test
    void shrinkingAMutantFailureKeepsTheCheckAndDropsMostOfTheSchedule() {
        RunSpec failing = null;
        RunResult result = null;
        for (long seed = 1; failing == null; seed++) {
            RunSpec s = RunSpec.generate(seed, 8, FaultProfile.HEAVY, Mutation.KEEP_DUPLICATE_CONNECTION);
            RunResult r = new Simulation(s).run();
            if (!r.passed()) {
                failing = s;
                result = r;
            }
        }
        Shrinker.Outcome o = Shrinker.shrink(failing, result.check(), 300, null);
        assertEquals(result.check(), o.result().check());
        int before = failing.schedule().entries().size();
        int after = o.spec().schedule().entries().size();
        assertTrue(after < before / 2, () -> "entries " + before + " -> " + after);
        assertTrue(o.spec().schedule().mix().safetyMs() <= failing.schedule().mix().safetyMs());
        assertEquals(o.result().digest(), new Simulation(o.spec()).run().digest(), "the shrunk run replays exactly");
    }

    @Test
    void aPassingRunCannotBeShrunk() {
        RunSpec s = RunSpec.generate(3, 8, FaultProfile.NONE, Mutation.NONE);
        try {
            Shrinker.shrink(s, "liveness", 10, null);
            throw new AssertionError("expected a refusal");
        } catch (IllegalArgumentException expected) {
            assertTrue(expected.getMessage().contains("does not fail"));
        }
    }
}
