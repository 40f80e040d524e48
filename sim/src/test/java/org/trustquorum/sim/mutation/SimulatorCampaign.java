package org.trustquorum.sim.mutation;

import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import org.trustquorum.core.Mutation;
import org.trustquorum.sim.FaultProfile;

/**
 * The simulator campaign that {@code ./tq mutate} scores against PIT's mutants of core: a fixed,
 * bounded seed range per fault profile and rack size; each test fails on the first violated check.
 * Each slice is its own test so PIT can stop at the first one that kills a mutant.
 *
 * <p>The class name does not end in {@code Test}: {@code ./tq test} does not run it (the default
 * campaigns of {@code CampaignTest} cover the unmutated code); {@code SimulatorCampaignTest} shows
 * it fails on a known bug.
 */
class SimulatorCampaign {
    static final CampaignSlice SWARM_8 = new CampaignSlice(FaultProfile.SWARM, 8, 1, 60);
    static final CampaignSlice SWARM_3 = new CampaignSlice(FaultProfile.SWARM, 3, 1, 30);
    static final CampaignSlice HEAVY_8 = new CampaignSlice(FaultProfile.HEAVY, 8, 1, 10);
    static final CampaignSlice LIGHT_8 = new CampaignSlice(FaultProfile.LIGHT, 8, 1, 8);
    static final CampaignSlice NONE_5 = new CampaignSlice(FaultProfile.NONE, 5, 1, 6);

    private static void assertPasses(CampaignSlice slice) {
        assertNull(slice.firstFailure(Mutation.NONE));
    }

    @Test
    void swarm8() {
        assertPasses(SWARM_8);
    }

    @Test
    void swarm3() {
        assertPasses(SWARM_3);
    }

    @Test
    void heavy8() {
        assertPasses(HEAVY_8);
    }

    @Test
    void light8() {
        assertPasses(LIGHT_8);
    }

    @Test
    void none5() {
        assertPasses(NONE_5);
    }
}
