package org.trustquorum.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.trustquorum.core.engine.EngineHarness.only;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.trustquorum.core.TestAuth;
import org.trustquorum.core.controlplane.ControlPlane;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.PersistentState;
import org.trustquorum.core.model.RackId;
import org.trustquorum.core.model.Result;
import org.trustquorum.core.model.StoredNetworkConfig;
import org.trustquorum.core.msg.WireMsg;

/**
 * The gossiped network configuration is durable: accepted values are in the step's persist, a
 * restart (or a whole-rack cold start) starts from the stored value and offers it on every new
 * connection, a lower generation never replaces a higher one, and once a node holds a
 * configuration only that configuration's members may replace its value.
 */
class DurableNetworkConfigTest {
    private static final NodeId SELF = new NodeId("913-0000019", "sled-09");
    private static final NodeId B = new NodeId("913-0000019", "sled-01");
    private static final NodeId C = new NodeId("913-0000019", "sled-02");
    private static final NodeId OUTSIDER = new NodeId("913-0000019", "sled-07");
    private static final PeerAddress SELF_ADDR = new PeerAddress("10.0.0.9", 12345);
    private static final PeerAddress B_ADDR = new PeerAddress("10.0.0.1", 12345);
    private static final RackId RACK = RackId.parse("3f2e1d0c-4b5a-4968-8776-655443322110");
    private static final byte[] BLOB = {1, 2, 3, 4};

    /** One engine driven by hand, persisting every step's state before looking at its outputs. */
    private static final class Driven {
        final NodeEngine engine;
        PersistentState durable;
        long now;

        Driven(PersistentState loaded) {
            durable = loaded;
            engine = new NodeEngine(SELF, SELF_ADDR, loaded, EngineLimits.DEFAULTS, new SplittableRandom(1),
                    TestAuth.AUTHORITY);
        }

        Step step(Input in) {
            Step s = engine.step(in, now);
            if (s.persist() != null) {
                durable = s.persist();
            }
            return s;
        }

        long connectInbound(NodeId peer) {
            long inc = ((Output.Accepted) step(new Input.Accept()).afterPersist().get(0)).incarnation();
            step(new Input.ConnEstablished(inc, peer));
            return inc;
        }
    }

    private static PersistentState withStored(PersistentState s, long generation) {
        return s.withNetworkConfig(new StoredNetworkConfig(generation, BLOB));
    }

    private static PersistentState memberOfEpochOne() {
        return PersistentState.EMPTY.withConfig(TestAuth.signedConfig(RACK, Epoch.of(1), B, List.of(B, C, SELF), 2));
    }

    @Test
    void anAcceptedUpdateIsPersistedInTheStepThatReleasesItsReplyAndFrames() {
        Driven d = new Driven(PersistentState.EMPTY);
        long incB = d.connectInbound(B);
        Step s = d.step(new Input.ApiCall(1, new ApiRequest.UpdateNetworkConfig(7, BLOB)));
        assertNotNull(s.persist(), "the accepted value is durable before the reply leaves");
        assertEquals(new StoredNetworkConfig(7, BLOB), s.persist().networkConfig());
        assertEquals(List.of(new Output.SendFrame(incB, new WireMsg.NetworkConfig(7, BLOB))),
                only(s.afterPersist(), Output.SendFrame.class));

        Step received = d.step(new Input.FrameReceived(incB, new WireMsg.NetworkConfig(8, BLOB)));
        assertEquals(new StoredNetworkConfig(8, BLOB), received.persist().networkConfig(),
                "a value received from a peer is persisted as well");
    }

    @Test
    void aRestartedEngineDialsItsPeersAndOffersTheStoredGenerationOnTheNewConnection() {
        Driven d = new Driven(withStored(PersistentState.EMPTY, 9));
        assertEquals(new WireMsg.NetworkConfig(9, BLOB), d.engine.connections().gossip().current().orElseThrow());

        Step peers = d.step(new Input.PeersChanged(Set.of(B_ADDR, SELF_ADDR)));
        List<Output.Dial> dials = only(peers.afterPersist(), Output.Dial.class);
        assertEquals(1, dials.size(), "the node dials the peer below its address at boot");
        assertEquals(B_ADDR, dials.get(0).address());

        Step up = d.step(new Input.ConnEstablished(dials.get(0).incarnation(), B));
        assertEquals(List.of(new Output.SendFrame(dials.get(0).incarnation(), new WireMsg.NetworkConfig(9, BLOB))),
                only(up.afterPersist(), Output.SendFrame.class));
    }

    @Test
    void aLowerOrEqualGenerationNeverReplacesAHigherOne() {
        PersistentState nine = withStored(PersistentState.EMPTY, 9);
        assertSame(nine, nine.withNetworkConfig(new StoredNetworkConfig(4, new byte[] {4})));
        assertSame(nine, nine.withNetworkConfig(new StoredNetworkConfig(9, new byte[] {9})));

        Driven d = new Driven(nine);
        long incB = d.connectInbound(B);
        Step s = d.step(new Input.FrameReceived(incB, new WireMsg.NetworkConfig(4, new byte[] {4})));
        assertNull(s.persist(), "an older value changes nothing durable");
        Step api = d.step(new Input.ApiCall(2, new ApiRequest.UpdateNetworkConfig(9, new byte[] {9})));
        assertNull(api.persist());
        assertEquals(new StoredNetworkConfig(9, BLOB), d.durable.networkConfig());
    }

    @Test
    void aForgedHighGenerationFromANonMemberDoesNotReplaceTheStoredValue() {
        PersistentState loaded = withStored(memberOfEpochOne(), 3);
        Driven d = new Driven(loaded);
        long incOutsider = d.connectInbound(OUTSIDER);
        d.connectInbound(C);

        Step forged = d.step(new Input.FrameReceived(incOutsider, new WireMsg.NetworkConfig(Long.MAX_VALUE, new byte[] {6})));
        assertNull(forged.persist(), "nothing durable changes");
        assertEquals(loaded, d.durable);
        assertEquals(List.of(), only(forged.afterPersist(), Output.SendFrame.class), "the forged value is not passed on");
        assertTrue(forged.afterPersist().stream().anyMatch(o -> o instanceof Output.TraceEvent t
                && t.kind().equals("gossip.refused") && t.detail().contains("not a member of epoch 1")),
                () -> "refusal traced: " + forged.afterPersist());
        assertEquals(1, d.engine.connections().gossip().refusedCount());
        assertEquals(new WireMsg.NetworkConfig(3, BLOB), d.engine.connections().gossip().current().orElseThrow());

        long incB = d.connectInbound(B);
        Step genuine = d.step(new Input.FrameReceived(incB, new WireMsg.NetworkConfig(4, BLOB)));
        assertEquals(new StoredNetworkConfig(4, BLOB), genuine.persist().networkConfig(), "a member's update is taken");
        assertEquals(loaded.configs(), genuine.persist().configs(), "membership is untouched either way");
    }

    @Test
    void aNodeWithoutAConfigurationTakesTheValueFromAnyCertificateHolder() {
        // The bound SECURITY.md states: a spare not yet added cannot tell members from outsiders.
        Driven d = new Driven(PersistentState.EMPTY);
        long inc = d.connectInbound(OUTSIDER);
        Step s = d.step(new Input.FrameReceived(inc, new WireMsg.NetworkConfig(5, BLOB)));
        assertEquals(new StoredNetworkConfig(5, BLOB), s.persist().networkConfig());
        assertEquals(PersistentState.EMPTY.configs(), s.persist().configs());
    }

    @Test
    void theValueSurvivesAWholeRackColdStartAndReachesANodeThatMissedIt() {
        List<NodeId> all = EngineScenarioTest.ids(4);
        ScriptedEngineCluster c = new ScriptedEngineCluster(all, 21);
        c.runFor(2_000);
        ControlPlane cp = new ControlPlane(EngineScenarioTest.RACK, all, TestAuth.KEY, new SplittableRandom(3));
        EngineScenarioTest.CpDriver driver = new EngineScenarioTest.CpDriver(c, cp);
        assertTrue(cp.reconfigure(all, 2, c.now).isOk());
        driver.runUntilIdle(40);

        NodeId late = all.get(3);
        for (NodeId other : all.subList(0, 3)) {
            c.block(late, other);
        }
        long reply = c.call(all.get(0), new ApiRequest.UpdateNetworkConfig(5, BLOB));
        c.runFor(1_000);
        assertEquals(new ApiResponse.NetworkConfigUpdated(Result.ok(5L)), c.replies.get(reply));
        assertNull(c.durable.get(late).networkConfig(), "the cut-off node missed the update");

        for (NodeId other : all.subList(0, 3)) {
            c.unblock(late, other);
        }
        c.coldStart(22);
        c.runFor(5_000);
        c.checkInvariants();
        List<Long> generations = new ArrayList<>();
        for (NodeId n : all) {
            generations.add(c.engines.get(n).connections().gossip().current().map(WireMsg.NetworkConfig::generation)
                    .orElse(-1L));
            assertEquals(new StoredNetworkConfig(5, BLOB), c.durable.get(n).networkConfig(), n + " stored it");
        }
        assertEquals(List.of(5L, 5L, 5L, 5L), generations);
    }
}
