package org.trustquorum.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.StringWriter;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.trustquorum.core.Mutation;
import org.trustquorum.sim.cli.Campaign;
import org.trustquorum.sim.json.Json;
import org.trustquorum.sim.log.JsonlSink;
import org.trustquorum.sim.log.TextSink;
import org.trustquorum.sim.scenario.Schedule;
import org.trustquorum.sim.shrink.ScheduleCodec;

/** One seed, one run: the same seed gives a byte-identical event log, whatever runs beside it. */
class DeterminismTest {

    @Test
    void runningASampleOfSeedsTwiceGivesTheSameDigests() {
        for (FaultProfile p : FaultProfile.values()) {
            for (long seed = 100; seed < 110; seed++) {
                RunSpec spec = RunSpec.generate(seed, 8, p, Mutation.NONE);
                RunResult a = new Simulation(spec).run();
                RunResult b = new Simulation(RunSpec.generate(seed, 8, p, Mutation.NONE)).run();
                assertEquals(a.digest(), b.digest(), "seed " + seed + " " + p);
                assertEquals(a.events(), b.events());
            }
        }
    }

    @Test
    void aCampaignGivesTheSameDigestsOnOneThreadAndOnSeveral() {
        List<RunResult> one = Campaign.run(new Campaign.Options(24, 300, 8, FaultProfile.SWARM, Mutation.NONE, null, 1),
                r -> { });
        List<RunResult> many = Campaign.run(new Campaign.Options(24, 300, 8, FaultProfile.SWARM, Mutation.NONE, null,
                4), r -> { });
        for (int i = 0; i < one.size(); i++) {
            assertEquals(one.get(i).seed(), many.get(i).seed());
            assertEquals(one.get(i).digest(), many.get(i).digest());
        }
    }

    @Test
    void theReadableEventLogIsByteIdenticalAcrossRuns() {
        RunSpec spec = RunSpec.generate(42, 8, FaultProfile.HEAVY, Mutation.NONE);
        StringWriter a = new StringWriter();
        StringWriter b = new StringWriter();
        RunResult ra = new Simulation(spec, new TextSink(a)).run();
        RunResult rb = new Simulation(spec, new TextSink(b)).run();
        assertEquals(a.toString(), b.toString());
        assertEquals(ra.digest(), rb.digest());
        RunResult plain = new Simulation(spec).run();
        assertEquals(plain.digest(), ra.digest(), "writing the log does not change the run");
    }

    @Test
    void theTraceIsByteIdenticalAcrossRunsAndEveryLineIsAnObjectWithAKind() {
        RunSpec spec = RunSpec.generate(43, 6, FaultProfile.SWARM, Mutation.NONE);
        StringWriter a = new StringWriter();
        StringWriter b = new StringWriter();
        new Simulation(spec, new JsonlSink(a)).run();
        new Simulation(spec, new JsonlSink(b)).run();
        assertEquals(a.toString(), b.toString());
        for (String line : a.toString().split("\n")) {
            Object o = Json.parse(line);
            assertEquals(true, o instanceof Map<?, ?> m && m.get("kind") instanceof String && m.get("t") instanceof Long,
                    line);
        }
    }

    @Test
    void differentSeedsGiveDifferentRuns() {
        Set<String> digests = new HashSet<>();
        for (long seed = 0; seed < 20; seed++) {
            digests.add(new Simulation(RunSpec.generate(seed, 8, FaultProfile.SWARM, Mutation.NONE)).run().digest());
        }
        assertEquals(20, digests.size());
    }

    @Test
    void aScheduleSavedAsJsonReplaysToTheSameDigest() {
        RunSpec spec = RunSpec.generate(77, 8, FaultProfile.HEAVY, Mutation.NONE);
        @SuppressWarnings("unchecked")
        Schedule back = ScheduleCodec.fromJson(
                (Map<String, Object>) Json.parse(Json.write(ScheduleCodec.toJson(spec.schedule()))));
        assertEquals(spec.schedule(), back);
        assertEquals(new Simulation(spec).run().digest(), new Simulation(spec.withSchedule(back)).run().digest());
    }

    @Test
    void theMutantChangesTheRunOnlyThroughItsBug() {
        // Same seed with and without a mutant that never triggers in a fault-free, proxy-free run.
        RunSpec spec = Scripts.scripted(5, 4, Scripts.nodes(0, 1, 2, 3), 2, 5_000);
        assertEquals(new Simulation(spec).run().digest(),
                new Simulation(spec.withMutant(Mutation.REPROXY_REQUEST)).run().digest());
    }
}
