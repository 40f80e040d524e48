package org.trustquorum.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trustquorum.core.Mutation;
import org.trustquorum.sim.shrink.RegressionFile;
import org.trustquorum.sim.shrink.Shrinker;

/**
 * Shrinking keeps the violated check and makes the run shorter in events, nodes, entries and time;
 * the saved file replays the shrunk run exactly.
 */
class ShrinkerTest {
    private static final int NODES = 8;

    private static RunSpec swarm(long seed, Mutation m) {
        return RunSpec.generate(seed, NODES, FaultProfile.SWARM, m);
    }

    @Test
    void shrunkMutantRunsFailTheSameCheckInFarFewerEventsAndReplayFromTheirFiles(@TempDir Path dir) throws Exception {
        // Two failing seeds that shrink in well under a second each (./tq shrink-report lists more).
        for (RunSpec original : new RunSpec[] {swarm(12, Mutation.IGNORE_HANDLER_EXCEPTION_EXIT),
            swarm(21, Mutation.TRACKER_NOT_CLEARED_ON_EXIT)}) {
            RunResult failing = new Simulation(original).run();
            assertFalse(failing.passed(), "the seed fails with its mutant");
            Shrinker.Outcome o = Shrinker.shrink(original, failing.check(), Shrinker.DEFAULT_MAX_RUNS, null);

            assertEquals(failing.events(), o.before().events());
            assertTrue(o.after().events() * 10 <= o.before().events(), () -> "events " + o.before() + " -> " + o.after());
            assertTrue(o.after().nodes() < NODES, () -> "nodes: " + o.after());
            assertTrue(o.after().entries() < o.before().entries(), () -> "entries: " + o.after());
            assertTrue(o.after().virtualMs() < o.before().virtualMs(), () -> "virtual time: " + o.after());
            assertTrue(o.spec().schedule().mix().safetyMs() < original.schedule().mix().safetyMs(), "safety phase");
            assertTrue(o.runs() <= Shrinker.DEFAULT_MAX_RUNS);

            Path file = dir.resolve(original.mutant().cliName() + ".json");
            RegressionFile.shrunk("case", original, o).write(file);
            RegressionFile saved = RegressionFile.read(file);
            assertEquals(failing.check(), saved.expectedCheck());
            RunResult replayed = new Simulation(saved.spec()).run();
            assertEquals(failing.check(), replayed.check(), replayed::message);
            assertEquals(o.after().events(), replayed.events(), "the file replays the shrunk run exactly");
            assertEquals(o.result().digest(), replayed.digest());
        }
    }

    @Test
    void shrinkingIsDeterministic() {
        RunSpec original = swarm(1, Mutation.REPLY_BEFORE_PERSIST);
        String check = new Simulation(original).run().check();
        Shrinker.Outcome a = Shrinker.shrink(original, check, Shrinker.DEFAULT_MAX_RUNS, null);
        Shrinker.Outcome b = Shrinker.shrink(original, check, Shrinker.DEFAULT_MAX_RUNS, null);
        assertEquals(a.spec(), b.spec());
        assertEquals(a.runs(), b.runs());
        assertEquals(a.result().digest(), b.result().digest());
        assertTrue(a.after().compareTo(a.before()) < 0, () -> a.before() + " -> " + a.after());
    }

    @Test
    void theBudgetOfRunsStopsTheSearchAndSaysSo() {
        RunSpec original = swarm(11, Mutation.APPLY_STALE_EXIT);
        String check = new Simulation(original).run().check();
        int budget = 4;
        Shrinker.Outcome o = Shrinker.shrink(original, check, budget, null);
        assertTrue(o.boundHit());
        assertEquals(budget, o.runs());
        assertEquals(check, o.result().check());
    }

    @Test
    void aPassingRunCannotBeShrunk() {
        RunSpec s = RunSpec.generate(3, NODES, FaultProfile.NONE, Mutation.NONE);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Shrinker.shrink(s, "liveness", 10, null));
        assertTrue(e.getMessage().contains("does not fail"));
    }
}
