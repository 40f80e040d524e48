package org.trustquorum.core.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.trustquorum.core.api.CommitStatus;
import org.trustquorum.core.api.NodeError;
import org.trustquorum.core.api.NodeStatus.Phase;
import org.trustquorum.core.api.ReconfigureRequest;
import org.trustquorum.core.crypto.RackSecret;
import org.trustquorum.core.model.Configuration;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.RackId;
import org.trustquorum.core.model.Result;
import org.trustquorum.core.model.Threshold;

/** Whole protocol runs on a few directly wired nodes. */
class ClusterScenarioTest {
    static final RackId RACK = RackId.parse("5c7e1f2a-0b3d-4c8e-9f10-aa11bb22cc33");

    static List<NodeId> ids(TestCluster c, int from, int toExclusive) {
        List<NodeId> out = new ArrayList<>();
        for (int i = from; i < toExclusive; i++) {
            out.add(TestCluster.id(i));
        }
        return out;
    }

    /** Coordinates, delivers, and commits at every member; returns the committed config. */
    static Configuration reconfigureAndCommit(TestCluster c, NodeId coord, Epoch epoch, Epoch last, List<NodeId> members,
            int k) {
        ReconfigureRequest req = new ReconfigureRequest(RACK, epoch, last, members, Threshold.of(k));
        assertEquals(Result.ok(ReconfigureOutcome.STARTED), c.coordinate(coord, req));
        c.run();
        var status = c.node(coord).coordinatorStatus();
        assertNotNull(status);
        assertEquals(Phase.COLLECTING_ACKS, status.phase());
        assertEquals(members, status.acked(), "every connected member acked the prepare");
        for (NodeId m : members) {
            assertEquals(Result.ok(CommitStatus.COMMITTED), c.commitAt(m, epoch));
        }
        return c.ctx(coord).state().config(epoch).orElseThrow();
    }

    /** Loads the secret of {@code epoch} at {@code id}, running the cluster while it collects. */
    static byte[] loadSecret(TestCluster c, NodeId id, Epoch epoch) {
        Result<Optional<RackSecret>, NodeError.LoadSecretError> r = c.node(id).loadRackSecret(c.ctx(id), epoch);
        if (r.orElseThrow().isEmpty()) {
            c.run();
            r = c.node(id).loadRackSecret(c.ctx(id), epoch);
        }
        try (RackSecret s = r.orElseThrow().orElseThrow()) {
            return s.copyBytes();
        }
    }

    @Test
    void initialConfigurationOfFiveNodesCommitsAndEveryoneLoadsTheSameSecret() {
        TestCluster c = new TestCluster(5, 1);
        c.connectAll();
        List<NodeId> members = c.ids();
        reconfigureAndCommit(c, members.get(0), Epoch.of(1), Epoch.NONE, members, 3);
        byte[] first = loadSecret(c, members.get(0), Epoch.of(1));
        for (NodeId m : members) {
            assertEquals(List.of(Epoch.of(1)), c.ctx(m).state().commits());
            assertArrayEquals(first, loadSecret(c, m, Epoch.of(1)), "secret at " + m);
            assertTrue(c.ctx(m).alarms().isEmpty());
        }
    }

    @Test
    void addingTwoNodesAndRemovingOneThroughPrepareAndCommitKeepsTheChainOfSecrets() {
        TestCluster c = new TestCluster(8, 2);
        c.connectAll();
        List<NodeId> initial = ids(c, 0, 5);
        NodeId coord = initial.get(0);
        reconfigureAndCommit(c, coord, Epoch.of(1), Epoch.NONE, initial, 3);
        byte[] secret1 = loadSecret(c, coord, Epoch.of(1));

        // Epoch 2: drop sled-04, add sled-05 and sled-06. The new nodes miss the prepare.
        List<NodeId> next = new ArrayList<>(ids(c, 0, 4));
        next.addAll(ids(c, 5, 7));
        NodeId n5 = TestCluster.id(5);
        NodeId n6 = TestCluster.id(6);
        c.isolate(n5);
        c.isolate(n6);
        ReconfigureRequest req = new ReconfigureRequest(RACK, Epoch.of(2), Epoch.of(1), next, Threshold.of(3));
        assertEquals(Result.ok(ReconfigureOutcome.STARTED), c.coordinate(coord, req));
        c.run();
        var status = c.node(coord).coordinatorStatus();
        assertEquals(Phase.COLLECTING_ACKS, status.phase());
        assertEquals(ids(c, 0, 4), status.acked());
        for (NodeId m : ids(c, 0, 4)) {
            assertEquals(Result.ok(CommitStatus.COMMITTED), c.commitAt(m, Epoch.of(2)));
        }
        Configuration config2 = c.ctx(coord).state().config(Epoch.of(2)).orElseThrow();
        assertTrue(config2.encrypted().isPresent(), "a reconfiguration carries the earlier secrets");

        // The new nodes come online; the control plane prepares-and-commits them.
        for (NodeId fresh : List.of(n5, n6)) {
            assertEquals(Result.ok(CommitStatus.PENDING), c.prepareAndCommitAt(fresh, config2));
            for (NodeId other : c.ids()) {
                if (!other.equals(fresh)) {
                    c.connect(fresh, other);
                }
            }
            c.run();
            assertEquals(Result.ok(CommitStatus.COMMITTED), c.prepareAndCommitAt(fresh, config2));
            assertTrue(c.ctx(fresh).state().hasPrepared(Epoch.of(2)));
            assertTrue(c.ctx(fresh).alarms().isEmpty(), "computed share matched its digest");
            assertTrue(ShareCollector.isValid(config2, fresh, c.ctx(fresh).state().share(Epoch.of(2)).orElseThrow()),
                    "the stored share is the one the coordinator dealt to " + fresh);
        }

        byte[] secret2 = loadSecret(c, coord, Epoch.of(2));
        assertFalse(java.util.Arrays.equals(secret1, secret2), "a new epoch has a new secret");
        for (NodeId m : next) {
            assertArrayEquals(secret2, loadSecret(c, m, Epoch.of(2)), "epoch 2 secret at " + m);
        }
        // The old secret is recoverable from the chain, even at a node that joined at epoch 2.
        assertArrayEquals(secret1, loadSecret(c, n6, Epoch.of(1)));

        // The removed node asks for shares of the epoch it knows and learns it is expunged.
        NodeId removed = TestCluster.id(4);
        var r = c.node(removed).loadRackSecret(c.ctx(removed), Epoch.of(1));
        assertEquals(Optional.empty(), r.orElseThrow());
        c.run();
        assertTrue(c.ctx(removed).state().isExpunged());
        assertEquals(Epoch.of(2), c.ctx(removed).state().expunged().epoch());
        assertInstanceOf(NodeError.Expunged.class,
                c.node(removed).loadRackSecret(c.ctx(removed), Epoch.of(1)).errorOrThrow());
    }

    /**
     * Four nodes commit epoch 1; the last one (returned) is cut off while the other three prepare and
     * commit epoch 2 with the same members, so it has to catch up on epoch 2 later.
     */
    static NodeId sleeperMissesEpochTwo(TestCluster c) {
        c.connectAll();
        List<NodeId> all = c.ids();
        NodeId coord = all.get(0);
        NodeId sleeper = all.get(3);
        reconfigureAndCommit(c, coord, Epoch.of(1), Epoch.NONE, all, 2);

        c.isolate(sleeper);
        ReconfigureRequest req = new ReconfigureRequest(RACK, Epoch.of(2), Epoch.of(1), all, Threshold.of(2));
        c.coordinate(coord, req);
        c.run();
        for (NodeId m : all.subList(0, 3)) {
            assertEquals(Result.ok(CommitStatus.COMMITTED), c.commitAt(m, Epoch.of(2)));
        }
        assertEquals(Epoch.of(1), c.ctx(sleeper).state().latestCommittedEpoch());
        return sleeper;
    }

    @Test
    void aNodeThatMissesAWholeEpochCatchesUpThroughCommitAdvance() {
        TestCluster c = new TestCluster(4, 3);
        NodeId sleeper = sleeperMissesEpochTwo(c);
        List<NodeId> all = c.ids();
        NodeId coord = all.get(0);

        // The sleeper wakes up and wants the secret it knows about; a peer tells it of epoch 2.
        c.restart(sleeper);
        assertEquals(Optional.empty(), c.node(sleeper).loadRackSecret(c.ctx(sleeper), Epoch.of(1)).orElseThrow());
        for (NodeId m : all.subList(0, 3)) {
            c.connect(sleeper, m);
        }
        c.run();
        assertEquals(Epoch.of(2), c.ctx(sleeper).state().latestCommittedEpoch());
        assertTrue(c.ctx(sleeper).state().hasPrepared(Epoch.of(2)));
        assertArrayEquals(loadSecret(c, coord, Epoch.of(2)), loadSecret(c, sleeper, Epoch.of(2)));
    }

    @Test
    void aReconfigurationWaitsForSharesUntilEnoughOldMembersConnect() {
        TestCluster c = new TestCluster(5, 4);
        c.connectAll();
        List<NodeId> all = c.ids();
        NodeId coord = all.get(0);
        reconfigureAndCommit(c, coord, Epoch.of(1), Epoch.NONE, all, 3);
        c.isolate(coord);
        ReconfigureRequest req = new ReconfigureRequest(RACK, Epoch.of(2), Epoch.of(1), all, Threshold.of(3));
        c.coordinate(coord, req);
        c.run();
        assertEquals(Phase.COLLECTING_SHARES, c.node(coord).coordinatorStatus().phase());
        c.connect(coord, all.get(1));
        c.run();
        assertEquals(Phase.COLLECTING_SHARES, c.node(coord).coordinatorStatus().phase(), "2 of 3 shares");
        c.connect(coord, all.get(2));
        c.run();
        assertEquals(Phase.COLLECTING_ACKS, c.node(coord).coordinatorStatus().phase());
        assertEquals(List.of(all.get(0), all.get(1), all.get(2)), c.node(coord).coordinatorStatus().acked());
        // Acks keep arriving as the remaining members connect: prepares are re-sent on connect.
        c.connect(coord, all.get(3));
        c.connect(coord, all.get(4));
        c.run();
        assertEquals(all, c.node(coord).coordinatorStatus().acked());
    }
}
