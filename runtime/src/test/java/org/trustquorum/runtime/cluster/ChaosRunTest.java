package org.trustquorum.runtime.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.trustquorum.core.api.NodeStatus;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.NodeId;

/** {@code tq chaos} in small: real node processes killed with SIGKILL mid-reconfiguration, nothing lost. */
class ChaosRunTest {
    /**
     * Fixed, so the kill schedule is the same on every run: round 1 kills a member about 0.4 s into
     * the reconfiguration, round 2 the coordinator about 0.2 s into it.
     */
    private static final long SEED = 1;
    private static final NodeId A = NodeId.parse("TQ-SLED:SN0001");
    private static final NodeId B = NodeId.parse("TQ-SLED:SN0002");

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void twoRoundsWithKilledNodeProcessesEndWithNoViolation() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code = new ChaosRun(4, 2, dir.resolve("chaos"), SEED, new PrintStream(buf, true, StandardCharsets.UTF_8)).run();
        String out = buf.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, out);
        assertTrue(out.contains("round 1/2: killed") && out.contains("[member, mid-reconfiguration]"), out);
        assertTrue(out.contains("round 2/2: killed") && out.contains("[coordinator, mid-reconfiguration]"), out);
        assertTrue(out.strip().endsWith("rounds: 2, violations: 0"), out);
    }

    @Test
    void refusesBadArguments() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8);
        assertEquals(2, new ChaosRun(3, 1, dir, SEED, ps).run());
        assertEquals(2, new ChaosRun(5, 0, dir, SEED, ps).run());
    }

    private static NodeStatus status(NodeId id, List<Epoch> configs, List<Epoch> shares, List<Epoch> commits,
            NodeStatus.CoordinatorStatus coordinator) {
        return new NodeStatus(id, List.of(), List.of(), null, configs, shares, commits, null, coordinator, null, List.of());
    }

    @Test
    void observerReportsALostAckedPrepareAndALostCommit() {
        DurabilityObserver o = new DurabilityObserver();
        Epoch e1 = Epoch.of(1);
        Epoch e2 = Epoch.of(2);
        // A coordinates epoch 2 and holds B's ack; B reported epoch 1 committed.
        o.status(status(A, List.of(e1, e2), List.of(e1, e2), List.of(e1),
                new NodeStatus.CoordinatorStatus(e2, NodeStatus.Phase.COLLECTING_ACKS, List.of(A, B), null)));
        o.status(status(B, List.of(e1, e2), List.of(e1, e2), List.of(e1), null));
        o.committedReply(B, e2);

        assertEquals(List.of(), o.lost(status(B, List.of(e1, e2), List.of(e1, e2), List.of(e1, e2), null)));
        List<String> lost = o.lost(status(B, List.of(e1, e2), List.of(e1), List.of(), null));
        assertEquals(3, lost.size(), lost.toString());
        assertTrue(lost.get(0).contains("acknowledged the prepare of epoch 2 but now has no key share"), lost.toString());
        assertTrue(lost.get(1).contains("reported epoch 1 committed"), lost.toString());
        assertTrue(lost.get(2).contains("answered COMMITTED for epoch 2"), lost.toString());
    }
}
