package org.trustquorum.runtime.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.List;
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

/** Nothing a step produced leaves the node before the state behind it is on disk; a failed write stops the node. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PersistBeforeSendTest {
    private static final RackId RACK = RackId.parse("9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d");
    /** How long we watch for something that must not happen while a write is held. */
    private static final long HOLD_OBSERVATION_MS = 300;

    @TempDir
    Path dir;

    /** Epoch 1 of {@code members}, coordinated by {@code coordinator}, signed by the cluster's control-plane key. */
    private static ApiRequest reconfigure(LocalCluster c, NodeId coordinator, List<NodeId> members) throws Exception {
        return new ApiRequest.Reconfigure(new ReconfigureRequest(RACK, Epoch.of(1), Epoch.NONE, members, Threshold.of(2))
                .signed(c.controlPlaneKey().signRequest(RACK, Epoch.of(1), coordinator, members, Threshold.of(2))));
    }

    private static int configsAt(LocalCluster c, NodeId id) throws Exception {
        return c.node(id).inspect(e -> e.state().configs().size()).await(5, TimeUnit.SECONDS);
    }

    @Test
    void replyAndPreparesWaitForTheLedgerWriteAndLaterInputsQueueBehindIt(Vertx vertx) throws Exception {
        LocalCluster c = new LocalCluster(vertx, dir, 3, LocalCluster.TEST_LIMITS);
        ControlledDisk[] disk = new ControlledDisk[1];
        c.durabilityWrappers.put(c.id(1), d -> disk[0] = new ControlledDisk(d));
        try (LocalCluster cluster = c.startAll()) {
            cluster.awaitMesh();
            NodeId coordinator = c.id(1);
            int before = disk[0].writesStarted.get(); // the write that recorded the control-plane key at first start
            disk[0].hold();
            Future<ApiResponse> reply = c.node(coordinator).call(reconfigure(c, coordinator, c.ids));
            LocalCluster.awaitTrue("the coordinator started writing", () -> disk[0].writesStarted.get() == before + 1);
            Future<ApiResponse> laterStatus = c.node(coordinator).call(new ApiRequest.Status());

            Thread.sleep(HOLD_OBSERVATION_MS);
            assertFalse(reply.isComplete(), "no reply before the write is durable");
            assertFalse(laterStatus.isComplete(), "later inputs wait behind the write");
            assertEquals(0, configsAt(c, c.id(2)), "no Prepare left the coordinator");
            assertEquals(0, configsAt(c, c.id(3)), "no Prepare left the coordinator");

            disk[0].release();
            ApiResponse r = reply.await(LocalCluster.WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertEquals(new ApiResponse.Reconfigured(Result.ok(ReconfigureOutcome.STARTED)), r);
            assertInstanceOf(ApiResponse.StatusReport.class, laterStatus.await(LocalCluster.WAIT.toMillis(), TimeUnit.MILLISECONDS));
            LocalCluster.awaitTrue("members got their Prepare", () -> {
                try {
                    return configsAt(c, c.id(2)) == 1 && configsAt(c, c.id(3)) == 1;
                } catch (Exception e) {
                    return false;
                }
            });
        }
    }

    @Test
    void failedLedgerWriteStopsTheNodeInsteadOfActing(Vertx vertx) throws Exception {
        LocalCluster c = new LocalCluster(vertx, dir, 3, LocalCluster.TEST_LIMITS);
        ControlledDisk[] disk = new ControlledDisk[1];
        c.durabilityWrappers.put(c.id(1), d -> disk[0] = new ControlledDisk(d));
        try (LocalCluster cluster = c.startAll()) {
            cluster.awaitMesh();
            NodeId coordinator = c.id(1);
            disk[0].breakDisk();
            Future<ApiResponse> reply = c.node(coordinator).call(reconfigure(c, coordinator, c.ids));

            Exception e = assertThrows(Exception.class, () -> reply.await(LocalCluster.WAIT.toMillis(), TimeUnit.MILLISECONDS));
            assertTrue(String.valueOf(e.getMessage()).contains("ledger write"), "failure names the cause: " + e);
            Future<Void> end = c.node(coordinator).terminated();
            LocalCluster.awaitTrue("the node stopped", end::isComplete);
            assertTrue(end.failed(), "it stopped as a failure");
            assertEquals(1, c.node(coordinator).metrics().ledgerWriteFailures.get());

            LocalCluster.awaitTrue("peers saw it go", () -> !c.connected(c.id(2), coordinator)
                    && !c.connected(c.id(3), coordinator));
            assertEquals(0, configsAt(c, c.id(2)), "no Prepare was sent for state that never became durable");
            assertEquals(0, configsAt(c, c.id(3)));
            assertThrows(Exception.class, () -> c.node(coordinator).call(new ApiRequest.Status())
                    .await(LocalCluster.WAIT.toMillis(), TimeUnit.MILLISECONDS), "it takes no more calls");
        }
    }

    /**
     * A stop request (what {@code tq node} does on SIGTERM: {@link NodeDaemon#stop}) during a ledger
     * write waits for the write: it completes on every copy, the step's outputs (the caller's
     * answer) are performed, and only then does the node shut down, cleanly. Nothing acknowledged is
     * lost. (The signal and the exit code 0 of a real process: the packaging module's PackageIT.)
     */
    @Test
    void aStopDuringALedgerWriteWaitsForTheWriteAndLosesNothing(Vertx vertx) throws Exception {
        LocalCluster c = new LocalCluster(vertx, dir, 3, LocalCluster.TEST_LIMITS);
        ControlledDisk[] disk = new ControlledDisk[1];
        c.durabilityWrappers.put(c.id(1), d -> disk[0] = new ControlledDisk(d));
        try (LocalCluster cluster = c.startAll()) {
            cluster.awaitMesh();
            NodeId coordinator = c.id(1);
            int before = disk[0].writesStarted.get(); // the write that recorded the control-plane key at first start
            disk[0].hold();
            Future<ApiResponse> reply = c.node(coordinator).call(reconfigure(c, coordinator, c.ids));
            LocalCluster.awaitTrue("the coordinator started writing", () -> disk[0].writesStarted.get() == before + 1);

            Future<Void> stopping = c.daemon(coordinator).stop();
            Thread.sleep(HOLD_OBSERVATION_MS);
            assertFalse(stopping.isComplete(), "the stop waits for the write in progress");

            disk[0].release();
            stopping.await(LocalCluster.WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertEquals(new ApiResponse.Reconfigured(Result.ok(ReconfigureOutcome.STARTED)),
                    reply.await(LocalCluster.WAIT.toMillis(), TimeUnit.MILLISECONDS), "the caller got its answer");
            assertTrue(c.node(coordinator).terminated().succeeded(), "a clean stop (tq node exits 0)");
            assertEquals(before + 1, disk[0].writesDone.get());

            Ledger.Loaded onDisk = new Ledger(c.settings(coordinator).ledgerPaths()).load();
            assertTrue(onDisk.allCopiesCurrent(), "every copy holds the write");
            assertTrue(onDisk.state().config(Epoch.of(1)).isPresent(), "the prepared configuration survived the stop");
        }
    }
}
