package org.trustquorum.runtime.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.trustquorum.core.api.ReconfigureRequest;
import org.trustquorum.core.engine.ApiRequest;
import org.trustquorum.core.engine.ApiResponse;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.RackId;
import org.trustquorum.core.model.Result;
import org.trustquorum.core.model.Threshold;
import org.trustquorum.core.protocol.ReconfigureOutcome;
import org.trustquorum.runtime.ledger.Ledger;

/**
 * A stop request (what {@code tq node} does on SIGTERM: {@link NodeDaemon#stop}) that arrives
 * while a ledger write is in progress waits for the write: the write completes on every copy, the
 * step's outputs (the caller's answer) are performed, and only then does the node shut down,
 * cleanly. Nothing the node acknowledged is lost. (The signal itself, and the exit code 0, are
 * exercised on real processes by the packaging module's PackageIT.)
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GracefulStopTest {
    private static final RackId RACK = RackId.parse("0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d");
    /** How long we watch for a stop that must not complete while the write is held. */
    private static final long HOLD_OBSERVATION_MS = 300;

    @TempDir
    Path dir;

    @Test
    void aStopDuringALedgerWriteWaitsForTheWriteAndLosesNothing(Vertx vertx) throws Exception {
        LocalCluster c = new LocalCluster(vertx, dir, 3, LocalCluster.TEST_LIMITS);
        ControlledDisk[] disk = new ControlledDisk[1];
        c.durabilityWrappers.put(c.id(1), d -> disk[0] = new ControlledDisk(d));
        try (LocalCluster cluster = c.startAll()) {
            cluster.awaitMesh();
            NodeId coordinator = c.id(1);
            disk[0].hold();
            Future<ApiResponse> reply = c.node(coordinator).call(new ApiRequest.Reconfigure(
                    new ReconfigureRequest(RACK, Epoch.of(1), Epoch.NONE, c.ids, Threshold.of(2))));
            LocalCluster.awaitTrue("the coordinator started writing", () -> disk[0].writesStarted.get() == 1);

            Future<Void> stopping = c.daemon(coordinator).stop();
            Thread.sleep(HOLD_OBSERVATION_MS);
            assertFalse(stopping.isComplete(), "the stop waits for the write in progress");

            disk[0].release();
            stopping.await(LocalCluster.WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertEquals(new ApiResponse.Reconfigured(Result.ok(ReconfigureOutcome.STARTED)),
                    reply.await(LocalCluster.WAIT.toMillis(), TimeUnit.MILLISECONDS), "the caller got its answer");
            assertTrue(c.node(coordinator).terminated().succeeded(), "a clean stop (tq node exits 0)");
            assertEquals(1, disk[0].writesDone.get());

            Ledger.Loaded onDisk = new Ledger(c.settings(coordinator).ledgerPaths()).load();
            assertTrue(onDisk.allCopiesCurrent(), "every copy holds the write");
            assertTrue(onDisk.state().config(Epoch.of(1)).isPresent(), "the prepared configuration survived the stop");
        }
    }
}
