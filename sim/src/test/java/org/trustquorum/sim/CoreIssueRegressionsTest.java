package org.trustquorum.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.trustquorum.sim.Scripts.mask;
import static org.trustquorum.sim.Scripts.nodes;
import static org.trustquorum.sim.Scripts.scripted;

import org.junit.jupiter.api.Test;
import org.trustquorum.core.engine.EngineLimits;
import org.trustquorum.sim.scenario.Entry;

/** Problems the simulator found in core, kept as scenarios that must keep passing now they are fixed. */
class CoreIssueRegressionsTest {

    /**
     * Found by swarm campaigns: the control plane used to accept a membership containing a node an
     * earlier commit removed; the expunged node refused every prepare-and-commit and the attempt
     * never finished. The control plane now refuses such a membership and the run converges.
     */
    @Test
    void theControlPlaneRefusesToReAddAnExpungedNodeAndTheRunConverges() {
        RunSpec spec = scripted(11, 4, nodes(0, 1, 2, 3), 2, 12_000,
                new Entry.ReconfigureTo(2_000, mask(0, 1, 2), 2),
                new Entry.LoadSecret(6_000, 3, false),
                new Entry.ReconfigureTo(9_000, mask(0, 1, 2, 3), 2));
        RunResult r = new Simulation(spec).run();
        assertTrue(r.passed(), () -> r.check() + " " + r.message());
        assertEquals(1, r.stat(Stat.EXPUNGED_NODES));
    }

    /**
     * Found by swarm campaigns: an outbound queue smaller than the burst a new connection carries
     * (gossip plus the protocol's re-sends) closed every connection before its first flush, so a
     * node that had to ask for shares reconnected forever. Such queues are now refused; at the
     * smallest allowed capacity the same schedule converges.
     */
    @Test
    void aQueueOfTheSmallestAllowedCapacityCarriesTheConnectBurst() {
        RunSpec spec = scripted(12, 4, nodes(0, 1, 2, 3), 2, 10_000,
                b -> b.queueCapacityFrames = EngineLimits.MIN_OUTBOUND_QUEUE_CAPACITY_FRAMES,
                new Entry.UpdateNetworkConfig(500, 0),
                new Entry.Isolate(1_500, 3, 3_000),
                new Entry.ReconfigureTo(1_600, mask(0, 1, 2, 3), 3));
        RunResult r = new Simulation(spec).run();
        assertTrue(r.passed(), () -> r.check() + " " + r.message());
    }
}
