package org.trustquorum.core.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.trustquorum.core.protocol.ClusterScenarioTest.RACK;
import static org.trustquorum.core.protocol.ClusterScenarioTest.reconfigureAndCommit;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.trustquorum.core.api.CommitStatus;
import org.trustquorum.core.api.ReconfigureRequest;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.KeyShare;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.Result;
import org.trustquorum.core.model.Threshold;

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
        c.connectAll();
        List<NodeId> all = c.ids();
        NodeId coord = all.get(0);
        NodeId sleeper = all.get(3);
        reconfigureAndCommit(c, coord, Epoch.of(1), Epoch.NONE, all, 2);

        c.isolate(sleeper);
        c.coordinate(coord, new ReconfigureRequest(RACK, Epoch.of(2), Epoch.of(1), all, Threshold.of(2)));
        c.run();
        for (NodeId m : all.subList(0, 3)) {
            assertEquals(Result.ok(CommitStatus.COMMITTED), c.commitAt(m, Epoch.of(2)));
        }

        c.restart(sleeper);
        List<KeyShare> computed = new ArrayList<>();
        c.node(sleeper).computedShareWatcher = computed::add;
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
