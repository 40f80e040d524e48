package org.trustquorum.runtime.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.trustquorum.core.api.NodeStatus;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.RackId;
import org.trustquorum.core.model.Result;
import org.trustquorum.runtime.admin.AdminClient;
import org.trustquorum.runtime.admin.AdminProtocol;
import org.trustquorum.runtime.cp.ControlPlaneDriver;

/** Whole reconfigurations on real TLS sockets, driven by the control plane through the admin APIs. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReconfigurationOverTlsTest {
    private static final RackId RACK = RackId.parse("6f1c2a4e-7d1b-4b8e-9d55-0c1f6d5c9a01");

    @TempDir
    Path dir;

    static String unlock(AdminClient admin, Epoch epoch) throws Exception {
        long deadline = System.nanoTime() + LocalCluster.WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            Result<AdminProtocol.SecretView, ?> r = AdminClient.await(admin.loadSecret(epoch));
            if (r instanceof Result.Ok<AdminProtocol.SecretView, ?> ok && ok.value().loaded()) {
                return ok.value().fingerprint();
            }
            if (!r.isOk()) {
                throw new AssertionError("load-secret failed: " + r);
            }
            Thread.sleep(20);
        }
        throw new AssertionError("secret of epoch " + epoch + " not loaded in time at " + admin.address());
    }

    static NodeStatus status(AdminClient admin) throws Exception {
        return ((org.trustquorum.core.engine.ApiResponse.StatusReport) AdminClient.await(
                admin.call(new org.trustquorum.core.engine.ApiRequest.Status()))).status();
    }

    @Test
    void initialConfigurationCommitsAndEveryMemberUnlocksTheSameSecret(Vertx vertx) throws Exception {
        try (LocalCluster c = LocalCluster.start(vertx, dir, 4);
                ControlPlaneDriver cp = new ControlPlaneDriver(RACK, c.ids, c.controlPlaneKey(), c.gatewayTo(c.ids), line -> {})) {
            c.awaitMesh();
            Epoch epoch = cp.reconfigure(c.ids, 3).orElseThrow();
            cp.awaitIdle(LocalCluster.WAIT);

            Set<String> fingerprints = new TreeSet<>();
            for (NodeId id : c.ids) {
                NodeStatus s = status(c.admin(id));
                assertEquals(List.of(epoch), s.committedEpochs(), id + " committed");
                fingerprints.add(unlock(c.admin(id), epoch));
            }
            assertEquals(1, fingerprints.size(), "every member unlocks the same secret: " + fingerprints);
        }
    }

    @Test
    void proxiedCommitReachesANodeTheControlPlaneCannotCall(Vertx vertx) throws Exception {
        try (LocalCluster c = LocalCluster.start(vertx, dir, 5)) {
            List<NodeId> initial = c.ids.subList(0, 4);
            NodeId newcomer = c.id(5);
            // The control plane knows the admin API of the initial members only.
            try (ControlPlaneDriver cp = new ControlPlaneDriver(RACK, initial, c.controlPlaneKey(), c.gatewayTo(initial), line -> {})) {
                c.awaitMesh();
                Epoch first = cp.reconfigure(initial, 3).orElseThrow();
                cp.awaitIdle(LocalCluster.WAIT);
                Epoch second = cp.reconfigure(c.ids, 3).orElseThrow();
                cp.awaitIdle(LocalCluster.WAIT);

                ControlPlaneDriver.Stats stats = cp.stats();
                assertEquals(0, stats.directTo(newcomer), "no direct call to the new node");
                assertTrue(stats.proxiedTo(newcomer) > 0, "the new node was reached through a proxy");

                NodeStatus s = status(c.admin(newcomer));
                assertEquals(List.of(second), s.committedEpochs());
                assertEquals(List.of(first, second), status(c.admin(c.id(1))).committedEpochs());
                Set<String> fingerprints = new TreeSet<>();
                for (NodeId id : c.ids) {
                    fingerprints.add(unlock(c.admin(id), second));
                }
                assertEquals(1, fingerprints.size(), "every member unlocks the same secret: " + fingerprints);
            }
        }
    }

    @Test
    void restartedNodeKeepsItsPreparesAndCommits(Vertx vertx) throws Exception {
        try (LocalCluster c = LocalCluster.start(vertx, dir, 4);
                ControlPlaneDriver cp = new ControlPlaneDriver(RACK, c.ids, c.controlPlaneKey(), c.gatewayTo(c.ids), line -> {})) {
            c.awaitMesh();
            Epoch epoch = cp.reconfigure(c.ids, 3).orElseThrow();
            cp.awaitIdle(LocalCluster.WAIT);
            NodeId victim = c.id(2);
            NodeStatus before = status(c.admin(victim));
            String secretBefore = unlock(c.admin(victim), epoch);

            c.restart(victim);
            c.awaitMesh();

            NodeStatus after = status(c.admin(victim));
            assertEquals(before.configEpochs(), after.configEpochs());
            assertEquals(before.shareEpochs(), after.shareEpochs());
            assertEquals(before.committedEpochs(), after.committedEpochs());
            assertEquals(List.of(epoch), after.committedEpochs());
            assertEquals(secretBefore, unlock(c.admin(victim), epoch), "the restarted node unlocks the same secret");
        }
    }
}
