package org.trustquorum.runtime.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.trustquorum.core.api.NodeStatus;
import org.trustquorum.core.engine.ApiRequest;
import org.trustquorum.core.engine.ApiResponse;
import org.trustquorum.core.engine.ExitCause;
import org.trustquorum.core.engine.ProxyError;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.Result;
import org.trustquorum.core.msg.ProxyOp;
import org.trustquorum.core.msg.ProxyResult;
import org.trustquorum.core.msg.WireMsg;
import org.trustquorum.runtime.tls.Certs;
import org.trustquorum.runtime.tls.NodeTls;
import org.trustquorum.runtime.wire.FrameEncoder;

/**
 * The connection and proxy races of the design's review list that real sockets can force, plus
 * hostile peers. A {@link FakePeer} plays the other end with a genuine node certificate.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConnectionRacesTest {
    @TempDir
    Path dir;

    private static NodeStatus emptyStatus(NodeId id) {
        return new NodeStatus(id, List.of(), List.of(), null, List.of(), List.of(), List.of(), null, null, null, List.of());
    }

    private static Future<ApiResponse> proxyStatus(LocalCluster c, NodeId from, NodeId to) {
        return c.node(from).call(new ApiRequest.Proxy(to, new ProxyOp.Status()));
    }

    private static Result<ProxyResult, ProxyError> proxied(Future<ApiResponse> f) throws Exception {
        return ((ApiResponse.Proxied) f.await(LocalCluster.WAIT.toMillis(), TimeUnit.MILLISECONDS)).result();
    }

    @Test
    void connectionAbortedInTheMiddleOfAProxyRequestCompletesItDisconnected(Vertx vertx) throws Exception {
        try (LocalCluster c = LocalCluster.startFirst(vertx, dir, 2, 1, LocalCluster.TEST_LIMITS)) {
            NodeId a = c.id(1);
            NodeId b = c.id(2);
            FakePeer fakeB = FakePeer.connect(vertx, c.tls(2), c.node(a).address());
            LocalCluster.awaitTrue("A sees B", () -> c.connected(a, b));

            Future<ApiResponse> pending = proxyStatus(c, a, b);
            fakeB.await(WireMsg.ProxyRequest.class); // the request is on the wire ...
            fakeB.close(); // ... and the connection goes away before any answer

            Result<ProxyResult, ProxyError> r = proxied(pending);
            assertEquals(Result.err(new ProxyError.Disconnected(b)), r);
            assertEquals(0, (int) c.node(a).inspect(e -> e.connections().tracker().size()).await());
            assertEquals(1, c.node(a).metrics().proxyCompleted(NodeMetrics.ProxyOutcome.DISCONNECTED));
        }
    }

    @Test
    void staleExitOfAReplacedConnectionLeavesThePeerConnected(Vertx vertx) throws Exception {
        try (LocalCluster c = LocalCluster.startFirst(vertx, dir, 2, 1, LocalCluster.TEST_LIMITS)) {
            NodeId a = c.id(1);
            NodeId b = c.id(2);
            FakePeer first = FakePeer.connect(vertx, c.tls(2), c.node(a).address());
            LocalCluster.awaitTrue("A sees B", () -> c.connected(a, b));

            FakePeer second = FakePeer.connect(vertx, c.tls(2), c.node(a).address());
            first.awaitClosed(); // A replaced the first connection; its exit reaches A after the second is current
            LocalCluster.awaitTrue("A still sees B", () -> c.connected(a, b));
            assertEquals(1, c.establishedTo(a, b));
            assertEquals(1, c.node(a).metrics().exits(ExitCause.REPLACED), "the first connection ended as replaced");

            // The request travels on the surviving connection and is answered there.
            Future<ApiResponse> pending = proxyStatus(c, a, b);
            WireMsg.ProxyRequest req = second.await(WireMsg.ProxyRequest.class);
            second.send(new WireMsg.ProxyResponse(req.requestId(), new ProxyResult.Status(emptyStatus(b))));
            Result<ProxyResult, ProxyError> r = proxied(pending);
            assertTrue(r.isOk(), "answered over the new connection: " + r);
            assertTrue(c.connected(a, b));
        }
    }

    @Test
    void duplicateConnectionForAnEstablishedPeerLeavesExactlyOne(Vertx vertx) throws Exception {
        try (LocalCluster c = LocalCluster.startFirst(vertx, dir, 2, 2, LocalCluster.TEST_LIMITS)) {
            NodeId a = c.id(1);
            NodeId b = c.id(2);
            c.awaitMesh();
            assertEquals(1, c.establishedTo(a, b));

            FakePeer duplicate = FakePeer.connect(vertx, c.tls(2), c.node(a).address());
            LocalCluster.awaitTrue("duplicate established", () -> {
                try {
                    return c.node(a).metrics().exits(ExitCause.REPLACED) >= 1;
                } catch (RuntimeException e) {
                    return false;
                }
            });
            assertEquals(1, c.establishedTo(a, b), "one connection per peer right after the duplicate");

            // The real nodes reconnect (replacing the duplicate); there is still exactly one.
            duplicate.close();
            c.awaitMesh();
            assertEquals(1, c.establishedTo(a, b));
            assertEquals(1, c.establishedTo(b, a));
            assertTrue(proxied(proxyStatus(c, a, b)).isOk(), "the surviving connection carries requests");
        }
    }

    @Test
    void fullOutboundQueueClosesTheConnectionAndFailsThePendingProxyRequest(Vertx vertx) throws Exception {
        int capacity = 4;
        try (LocalCluster c = LocalCluster.startFirst(vertx, dir, 2, 1,
                LocalCluster.TEST_LIMITS.withOutboundQueueCapacityFrames(capacity))) {
            NodeId a = c.id(1);
            NodeId b = c.id(2);
            FakePeer slowB = FakePeer.connect(vertx, c.tls(2), c.node(a).address(),
                    new NetClientOptions().setReceiveBufferSize(4 * 1024));
            LocalCluster.awaitTrue("A sees B", () -> c.connected(a, b));
            slowB.pauseReading(); // B stops reading: A's writes back up

            Future<ApiResponse> pending = proxyStatus(c, a, b);
            byte[] blob = new byte[WireMsg.NetworkConfig.MAX_BLOB_BYTES];
            int maxUpdates = 2_000;
            for (int gen = 1; gen <= maxUpdates && !pending.isComplete(); gen++) {
                // Each update is gossiped to B as a 64 KiB frame.
                c.call(a, new ApiRequest.UpdateNetworkConfig(gen, blob));
            }
            assertEquals(Result.err(new ProxyError.Disconnected(b)), proxied(pending));
            assertEquals(1, c.node(a).metrics().exits(ExitCause.QUEUE_OVERFLOW));
            LocalCluster.awaitTrue("B dropped", () -> !c.connected(a, b));
            slowB.resumeReading(); // the close sits behind the unread data
            slowB.awaitClosed();
            // The node itself is fine.
            assertInstanceOf(ApiResponse.StatusReport.class, c.call(a, new ApiRequest.Status()));
        }
    }

    @Test
    void peerWithACertificateFromAnotherCaIsRefused(Vertx vertx) throws Exception {
        try (LocalCluster c = LocalCluster.startFirst(vertx, dir, 3, 1, LocalCluster.TEST_LIMITS)) {
            NodeId a = c.id(1);
            NodeId b = c.id(2);
            Certs.ClusterFiles rogue = Certs.makeCluster(dir.resolve("rogue"), List.of(b));
            // Trusts the real CA (so it would accept A) but presents a certificate A cannot trust.
            NodeTls impostor = new NodeTls(c.certs.caCertificate(), rogue.node(b).certificate(), rogue.node(b).key());
            // TLS 1.3: the client may finish its side of the handshake before the server refuses its
            // certificate, so what proves the refusal is the server's side: a counted handshake
            // failure and no connection (when the client notices the close varies with load).
            FakePeer impostorPeer = null;
            try {
                impostorPeer = FakePeer.connect(vertx, impostor, c.node(a).address());
            } catch (Exception refusedDuringHandshake) {
                // refused before the client finished: also a refusal
            }
            LocalCluster.awaitTrue("handshake failure counted", () -> c.node(a).metrics().handshakeFailures.get() >= 1);
            if (impostorPeer != null) {
                impostorPeer.close();
            }
            assertFalse(c.connected(a, b));
            assertEquals(0, c.node(a).metrics().connectionsEstablished.get());

            // A genuine peer still gets in.
            FakePeer genuine = FakePeer.connect(vertx, c.tls(3), c.node(a).address());
            LocalCluster.awaitTrue("A sees the genuine peer", () -> c.connected(a, c.id(3)));
            genuine.close();
        }
    }

    @Test
    void malformedOrOversizedFrameClosesOnlyThatConnection(Vertx vertx) throws Exception {
        try (LocalCluster c = LocalCluster.startFirst(vertx, dir, 4, 2, LocalCluster.TEST_LIMITS)) {
            NodeId a = c.id(1);
            NodeId b = c.id(2);
            c.awaitMesh();

            FakePeer garbage = FakePeer.connect(vertx, c.tls(3), c.node(a).address());
            LocalCluster.awaitTrue("A sees C", () -> c.connected(a, c.id(3)));
            byte[] junk = {(byte) 0xFF, 0x13, 0x37, 0x00, 0x42};
            garbage.sendRaw(FrameEncoder.frameBytes(junk));
            garbage.awaitClosed();

            FakePeer huge = FakePeer.connect(vertx, c.tls(4), c.node(a).address());
            LocalCluster.awaitTrue("A sees D", () -> c.connected(a, c.id(4)));
            huge.sendRaw(new byte[] {0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 1, 2, 3});
            huge.awaitClosed();

            assertEquals(2, c.node(a).metrics().decodeErrors.get());
            assertEquals(2, c.node(a).metrics().exits(ExitCause.DECODE_ERROR));
            assertTrue(c.connected(a, b), "the connection to the well-behaved peer is untouched");
            assertEquals(1, c.establishedTo(a, b));
            assertTrue(proxied(proxyStatus(c, a, b)).isOk(), "and it still carries requests");
        }
    }
}
