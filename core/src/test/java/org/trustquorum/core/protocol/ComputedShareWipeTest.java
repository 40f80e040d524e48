package org.trustquorum.core.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.KeyShare;
import org.trustquorum.core.model.NodeId;

/**
 * A node that computes its own share of an epoch it never prepared keeps a copy in its state and
 * zeroes the computed original: the object the computation returned is all zeros afterwards.
 */
class ComputedShareWipeTest {

    private static boolean allZero(KeyShare share) {
        for (int i = 0; i < KeyShare.SECRET_LENGTH_BYTES; i++) {
            if (share.yAt(i) != 0) {
                return false;
            }
        }
        return true;
    }

    @Test
    void theComputedOriginalIsZeroedOnceTheStateHoldsItsCopy() {
        TestCluster c = new TestCluster(4, 11);
        NodeId sleeper = ClusterScenarioTest.sleeperMissesEpochTwo(c);
        List<NodeId> all = c.ids();

        c.restart(sleeper);
        List<KeyShare> computed = new ArrayList<>();
        c.node(sleeper).computedShareWatcher = computed::add;
        // It asks for shares of the epoch it knows; a peer tells it of epoch 2, whose share it computes.
        c.node(sleeper).loadRackSecret(c.ctx(sleeper), Epoch.of(1));
        for (NodeId m : all.subList(0, 3)) {
            c.connect(sleeper, m);
        }
        c.run();

        assertEquals(Epoch.of(2), c.ctx(sleeper).state().latestCommittedEpoch(), "the sleeper caught up by computing");
        assertEquals(1, computed.size(), "exactly one share was computed");
        KeyShare kept = c.ctx(sleeper).state().share(Epoch.of(2)).orElseThrow();
        assertTrue(!allZero(kept), "the state's copy is the real share");
        assertTrue(ShareCollector.isValid(c.ctx(sleeper).state().config(Epoch.of(2)).orElseThrow(), sleeper, kept));
        assertTrue(allZero(computed.get(0)), "the computed original is wiped");
    }
}
