package org.trustquorum.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.trustquorum.core.Mutation;
import org.trustquorum.sim.cli.Campaign;
import org.trustquorum.sim.cli.SimMain;

/** Seeded campaigns over every fault profile must pass; the default one must produce every race. */
class CampaignTest {
    private static List<RunResult> defaultCampaign;

    static List<RunResult> campaign(long seeds, long first, int nodes, FaultProfile faults) {
        return Campaign.run(new Campaign.Options(seeds, first, nodes, faults, Mutation.NONE, null,
                Campaign.defaultThreads()), r -> { });
    }

    static synchronized List<RunResult> defaultCampaign() {
        if (defaultCampaign == null) {
            defaultCampaign = campaign(SimMain.DEFAULT_SEEDS, SimMain.DEFAULT_FIRST_SEED, SimMain.DEFAULT_NODES,
                    FaultProfile.SWARM);
        }
        return defaultCampaign;
    }

    private static void assertAllPass(List<RunResult> results) {
        List<String> failures = new ArrayList<>();
        for (RunResult r : results) {
            if (!r.passed()) {
                failures.add("seed " + Long.toUnsignedString(r.seed()) + ": " + r.check() + ": " + r.message());
            }
        }
        assertTrue(failures.isEmpty(), () -> String.join("\n", failures));
    }

    @Test
    void theDefaultCampaignPasses() {
        List<RunResult> results = defaultCampaign();
        assertEquals(SimMain.DEFAULT_SEEDS, results.size());
        assertAllPass(results);
    }

    @Test
    void theDefaultCampaignProducesEveryReviewRace() {
        Map<Race, Long> totals = new EnumMap<>(Race.class);
        for (RunResult r : defaultCampaign()) {
            for (Race race : Race.values()) {
                totals.merge(race, r.race(race), Long::sum);
            }
        }
        for (Race race : Race.values()) {
            assertTrue(totals.get(race) > 0, () -> race + " (" + race.reviewCase() + ") never happened: " + totals);
        }
    }

    @Test
    void aHundredSeedsPassWithoutFaults() {
        assertAllPass(campaign(100, 5_000, 8, FaultProfile.NONE));
    }

    @Test
    void aHundredSeedsPassWithLightFaults() {
        assertAllPass(campaign(100, 6_000, 8, FaultProfile.LIGHT));
    }

    @Test
    void aHundredSeedsPassWithHeavyFaults() {
        assertAllPass(campaign(100, 7_000, 8, FaultProfile.HEAVY));
    }

    @Test
    void threeNodeRacksPassUnderSwarmFaults() {
        assertAllPass(campaign(60, 8_000, 3, FaultProfile.SWARM));
    }

    @Test
    void thirtyTwoNodeRacksPassUnderSwarmFaults() {
        assertAllPass(campaign(8, 9_000, 32, FaultProfile.SWARM));
    }

    @Test
    void negativeAndLargeSeedsAreOrdinarySeeds() {
        assertAllPass(campaign(10, -5, 8, FaultProfile.SWARM));
        assertAllPass(campaign(10, 0xFFFF_FFFF_FFFF_FFF0L, 8, FaultProfile.SWARM));
    }
}
