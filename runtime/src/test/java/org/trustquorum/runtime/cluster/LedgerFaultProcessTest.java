package org.trustquorum.runtime.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.trustquorum.core.api.NodeStatus;
import org.trustquorum.core.api.ReconfigureRequest;
import org.trustquorum.core.engine.ApiRequest;
import org.trustquorum.core.engine.ApiResponse;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.RackId;
import org.trustquorum.core.model.Threshold;
import org.trustquorum.runtime.admin.AdminClient;

/**
 * The same ledger faults on a real {@code tq node} process killed with SIGKILL: a torn copy is
 * skipped; with no valid copy the process exits with code 2 and says why, instead of starting
 * empty (which would forget its key shares).
 */
class LedgerFaultProcessTest {
    /** Exit code of {@code tq node} when it could not start. */
    private static final int COULD_NOT_START = 2;
    private static final RackId RACK = RackId.parse("1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e");

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void aKilledNodeProcessSkipsATornCopyAndRefusesToStartWithNoValidCopy() throws Exception {
        List<NodeId> ids = ProcessCluster.ids(3);
        try (ProcessCluster cluster = new ProcessCluster(dir.resolve("cluster"), ids, List.of())) {
            cluster.writeFiles();
            ProcessCluster.Child node = cluster.children().get(0);
            for (ProcessCluster.Child c : cluster.children()) {
                cluster.start(c);
            }
            for (ProcessCluster.Child c : cluster.children()) {
                cluster.awaitHealthy(c);
            }
            // A coordinator only takes members it has seen a rack certificate of: let them connect first.
            cluster.awaitMesh(cluster.children());
            // The coordinator persists its configuration and key share before it sends anything.
            ApiResponse r = AdminClient.await(cluster.admin(node).call(new ApiRequest.Reconfigure(
                    new ReconfigureRequest(RACK, Epoch.of(1), Epoch.NONE, ids, Threshold.of(2)).signed(cluster.controlPlaneKey()
                            .signRequest(RACK, Epoch.of(1), node.id, ids, Threshold.of(2))))));
            assertTrue(r instanceof ApiResponse.Reconfigured x && x.result().isOk(), String.valueOf(r));
            NodeStatus before = cluster.status(node);
            assertEquals(List.of(Epoch.of(1)), before.shareEpochs());

            cluster.kill(node);
            Path a = node.ledgerPaths().get(0);
            Path b = node.ledgerPaths().get(1);
            byte[] full = Files.readAllBytes(a);
            Files.write(a, Arrays.copyOf(full, full.length / 2)); // torn
            cluster.start(node);
            cluster.awaitHealthy(node);
            NodeStatus after = cluster.status(node);
            assertEquals(before.configEpochs(), after.configEpochs(), "state from the intact copy");
            assertEquals(before.shareEpochs(), after.shareEpochs());

            cluster.kill(node);
            Files.write(a, Arrays.copyOf(full, full.length / 2));
            String text = Files.readString(b, StandardCharsets.UTF_8);
            int share = text.indexOf("\"y\":\"");
            assertTrue(share > 0, "the copy holds a key share");
            int y = share + "\"y\":\"".length() + 3;
            Files.writeString(b, text.substring(0, y) + (text.charAt(y) == 'A' ? 'B' : 'A') + text.substring(y + 1));
            byte[] damagedA = Files.readAllBytes(a);
            byte[] damagedB = Files.readAllBytes(b);
            cluster.start(node);
            assertTrue(node.process().waitFor(ProcessCluster.START_TIMEOUT.toSeconds(), TimeUnit.SECONDS), "the node gave up");
            assertEquals(COULD_NOT_START, node.process().exitValue());
            String log = Files.readString(node.log, StandardCharsets.UTF_8);
            assertTrue(log.contains("could not start") && log.contains("no valid ledger copy, refusing to start with an empty state"),
                    ProcessCluster.tail(node.log));
            assertArrayEquals(damagedA, Files.readAllBytes(a), "the damaged copies are left as they were");
            assertArrayEquals(damagedB, Files.readAllBytes(b));
        }
    }
}
