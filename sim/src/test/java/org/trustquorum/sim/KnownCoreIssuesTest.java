package org.trustquorum.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.trustquorum.sim.Scripts.mask;
import static org.trustquorum.sim.Scripts.nodes;
import static org.trustquorum.sim.Scripts.scripted;

import org.junit.jupiter.api.Test;
import org.trustquorum.sim.check.Liveness;
import org.trustquorum.sim.scenario.Entry;

/**
 * Reproductions of problems the simulator found in core (reported to its owner). Each asserts
 * today's faulty outcome; when core is fixed the assertion flips and this test must be updated
 * (turned into an ordinary scenario test that passes).
 */
class KnownCoreIssuesTest {

    /**
     * ControlPlane.reconfigure accepts a membership that contains a node an earlier commit removed
     * (and which has since learned it is expunged). The commit is decided on the other members'
     * acks, and then prepare-and-commit at the expunged node is refused with Expunged on every pass:
     * the attempt never completes and the control plane never goes idle. (The simulator's scenario
     * generator avoids re-adding removed nodes for this reason.)
     */
    @Test
    void theControlPlaneReAddsAnExpungedNodeAndNeverFinishes() {
        RunSpec spec = scripted(11, 4, nodes(0, 1, 2, 3), 2, 12_000,
                new Entry.ReconfigureTo(2_000, mask(0, 1, 2), 2),
                new Entry.LoadSecret(6_000, 3, false),
                new Entry.ReconfigureTo(9_000, mask(0, 1, 2, 3), 2));
        RunResult r = new Simulation(spec).run();
        assertEquals(Liveness.NAME, r.check(), () -> "the control plane may now refuse expunged nodes: " + r.check()
                + " " + r.message());
        assertEquals(1, r.stat(Stat.EXPUNGED_NODES));
    }

    /**
     * EngineLimits accepts any outbound queue capacity of at least one frame, but a connection
     * must carry a burst of frames as soon as it is established (the gossiped network
     * configuration plus whatever the protocol re-sends on connect, e.g. a GetShare). A capacity
     * below that burst closes every new connection with QUEUE_OVERFLOW before its first flush, so a
     * node that must ask for shares never gets them: here node 3 missed the prepare, must compute
     * its share, and reconnects forever. (The scenario generator draws capacities of 4 or more.)
     */
    @Test
    void aQueueSmallerThanTheConnectBurstLivelocksANodeThatMustAskForShares() {
        RunSpec spec = scripted(12, 4, nodes(0, 1, 2, 3), 2, 10_000, b -> b.queueCapacityFrames = 1,
                new Entry.UpdateNetworkConfig(500, 0),
                new Entry.Isolate(1_500, 3, 3_000),
                new Entry.ReconfigureTo(1_600, mask(0, 1, 2, 3), 3));
        RunResult r = new Simulation(spec).run();
        assertEquals(Liveness.NAME, r.check(), () -> "the engine may now handle small queues: " + r.check() + " "
                + r.message());
        assertTrue(r.race(Race.QUEUE_OVERFLOW_CLOSE) > 100, "every reconnection overflows at once");
        RunResult roomy = new Simulation(spec.withSchedule(scripted(12, 4, nodes(0, 1, 2, 3), 2, 10_000,
                b -> b.queueCapacityFrames = 4, spec.schedule().entries().toArray(Entry[]::new)).schedule())).run();
        assertTrue(roomy.passed(), () -> "with room for the burst the same run converges: " + roomy.message());
    }
}
