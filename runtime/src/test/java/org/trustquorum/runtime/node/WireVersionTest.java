package org.trustquorum.runtime.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.trustquorum.runtime.wire.WireVersion;

/**
 * Peers agree on the wire format version during the TLS handshake (ALPN). A peer that holds a
 * genuine certificate of the rack but speaks another version, or none, is refused before any
 * frame is read, and the refusal is counted, not reported as a decode error.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WireVersionTest {
    /** How long a refused peer is given to be let in by mistake. */
    private static final long REFUSAL_GRACE_MS = 500;

    @TempDir
    Path dir;

    @Test
    void aPeerSpeakingAnotherWireVersionIsRefusedAndCounted(Vertx vertx) throws Exception {
        try (LocalCluster c = LocalCluster.startFirst(vertx, dir, 2, 1, LocalCluster.TEST_LIMITS)) {
            NetClientOptions newer = c.tls(2).clientOptions()
                    .setApplicationLayerProtocols(List.of(WireVersion.protocolName(WireVersion.CURRENT + 1)));
            assertRefusedAsVersionMismatch(vertx, c, newer);
        }
    }

    @Test
    void aPeerOfferingNoWireVersionIsRefusedAndCounted(Vertx vertx) throws Exception {
        try (LocalCluster c = LocalCluster.startFirst(vertx, dir, 2, 1, LocalCluster.TEST_LIMITS)) {
            NetClientOptions unversioned = c.tls(2).clientOptions().setUseAlpn(false);
            assertRefusedAsVersionMismatch(vertx, c, unversioned);

            // The same node speaking this build's version gets in.
            FakePeer genuine = FakePeer.connect(vertx, c.tls(2), c.node(1).address());
            LocalCluster.awaitTrue("the genuine peer is connected", () -> c.connected(c.id(1), c.id(2)));
            genuine.close();
        }
    }

    @Test
    void mismatchMessagesNameBothVersions() {
        assertNull(WireVersion.mismatch(WireVersion.protocolName(WireVersion.CURRENT)));
        assertEquals("the peer speaks tq-wire/7, this node speaks tq-wire/" + WireVersion.CURRENT, WireVersion.mismatch("tq-wire/7"));
        assertTrue(WireVersion.mismatch(null).contains("negotiated no wire version"));
        assertTrue(WireVersion.isAlpnRefusal(new RuntimeException("x",
                new javax.net.ssl.SSLHandshakeException("Received fatal alert: no_application_protocol"))));
        assertTrue(!WireVersion.isAlpnRefusal(new javax.net.ssl.SSLHandshakeException("certificate_unknown")));
    }

    private static void assertRefusedAsVersionMismatch(Vertx vertx, LocalCluster c, NetClientOptions options) throws Exception {
        NodeVerticle a = c.node(1);
        long mismatchesBefore = a.metrics().wireVersionMismatches.get();
        try {
            NetSocket s = vertx.createNetClient(options).connect(a.address().port(), a.address().host())
                    .await(LocalCluster.WAIT.toMillis(), TimeUnit.MILLISECONDS);
            s.write(Buffer.buffer(new byte[] {0, 0, 0, 1, 0}));
        } catch (Exception refusedDuringHandshake) {
            // refused during the handshake: also a refusal
        }
        LocalCluster.awaitTrue("wire version mismatch counted",
                () -> a.metrics().wireVersionMismatches.get() > mismatchesBefore);
        Thread.sleep(REFUSAL_GRACE_MS);
        assertEquals(0, a.metrics().framesReceived.get(), "no frame was read");
        assertEquals(0, a.metrics().decodeErrors.get(), "not reported as a decode error");
        assertEquals(List.of(), a.inspect(e -> List.copyOf(e.connections().connectedPeers())).await());
        assertTrue(Scrape.value(a.scrape().await(), "tq_wire_version_mismatches_total{node=\"" + a.id() + "\"}") >= 1);
    }
}
