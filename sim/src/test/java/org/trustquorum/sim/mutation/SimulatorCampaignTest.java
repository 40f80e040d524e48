package org.trustquorum.sim.mutation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.trustquorum.core.Mutation;
import org.trustquorum.sim.FaultProfile;

/** The mutation campaign's slices fail on a known bug, say how to replay it, and measure detection right. */
class SimulatorCampaignTest {

    @Test
    void aSliceFailsOnAKnownBugWithAReplayCommand() {
        String failure = new CampaignSlice(FaultProfile.SWARM, 8, 1, 5).firstFailure(Mutation.REPLY_BEFORE_PERSIST);
        assertNotNull(failure, "reply-before-persist fails every seed");
        assertTrue(failure.startsWith("seed 1 (8 nodes, swarm) failed acked-prepare-durable"), failure);
        assertTrue(failure.contains("replay: ./tq replay --seed 1 --nodes 8 --faults swarm --mutant reply-before-persist"),
                failure);
    }

    @Test
    void aSlicePassesWithoutAMutant() {
        assertNull(new CampaignSlice(FaultProfile.NONE, 5, 1, 2).firstFailure(Mutation.NONE));
    }

    @Test
    void medianSeedsToDetectionCountsTheStartAndWrapsAround() {
        // Failing seeds 3 and 8 of 10: from starts 1..10 the distances are 3,2,1,5,4,3,2,1,5,4.
        assertEquals(3, SeedsToDetection.median(List.of(3L, 8L), 10));
        assertEquals(1, SeedsToDetection.median(List.of(1L, 2L, 3L), 3));
        assertEquals(-1, SeedsToDetection.median(List.of(), 10));
    }
}
