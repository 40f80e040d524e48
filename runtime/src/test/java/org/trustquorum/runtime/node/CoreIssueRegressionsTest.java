package org.trustquorum.runtime.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.trustquorum.core.api.NodeStatus;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.RackId;
import org.trustquorum.core.msg.PeerMsg;
import org.trustquorum.core.msg.WireMsg;
import org.trustquorum.runtime.cp.ControlPlaneDriver;

/**
 * Problems hardening the runtime found in {@code core}, kept as regression tests over real TLS
 * sockets now that core is fixed (see docs/RELIABILITY.md).
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CoreIssueRegressionsTest {
    private static final RackId RACK = RackId.parse("3e8d7c6b-5a49-4382-9170-6f5e4d3c2b1a");
    /** Time given to the node to (wrongly) act on the message. */
    private static final long SETTLE_MS = 500;

    @TempDir
    Path dir;

    /**
     * D has a genuine rack certificate but has never been a member of any configuration. It tells
     * A, a member of the committed epoch 1, that A is expunged as of epoch 1. Core's
     * {@code Node.onExpunged} only compares the epoch with A's latest configuration and never
     * asks whether the sender could know (is a member of a configuration at that epoch or later),
     * so A records a permanent expunged marker "from D" and stops serving: it can no longer
     * unlock, and a rack loses a member to any certificate holder that sends one message.
     */
    @Test
    void aNodeThatWasNeverAMemberCannotExpungeACommittedMember(Vertx vertx) throws Exception {
        try (LocalCluster c = LocalCluster.startFirst(vertx, dir, 4, 3, LocalCluster.TEST_LIMITS)) {
            List<NodeId> members = c.ids.subList(0, 3);
            NodeId a = c.id(1);
            try (ControlPlaneDriver cp = new ControlPlaneDriver(RACK, members, c.gatewayTo(members), line -> {})) {
                c.awaitMesh();
                Epoch epoch = cp.reconfigure(members, 2).orElseThrow();
                cp.awaitIdle(LocalCluster.WAIT);

                FakePeer d = FakePeer.connect(vertx, c.tls(4), c.node(a).address());
                LocalCluster.awaitTrue("A sees D", () -> c.connected(a, c.id(4)));
                d.send(new WireMsg.Protocol(new PeerMsg.Expunged(RACK, epoch)));
                Thread.sleep(SETTLE_MS);

                NodeStatus s = ReconfigurationOverTlsTest.status(c.admin(a));
                assertNull(s.expunged(), "A was expunged by a node outside every configuration: " + s.expunged());
                assertEquals(List.of(epoch), s.committedEpochs());
                ReconfigurationOverTlsTest.unlock(c.admin(a), epoch); // and still unlocks
            }
        }
    }
}
