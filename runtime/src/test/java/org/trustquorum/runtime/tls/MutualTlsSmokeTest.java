package org.trustquorum.runtime.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.trustquorum.core.model.Configuration;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.KeyShare;
import org.trustquorum.core.model.Member;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.RackId;
import org.trustquorum.core.model.Sha3Digest;
import org.trustquorum.core.model.Threshold;
import org.trustquorum.core.msg.PeerMsg;
import org.trustquorum.core.msg.WireMsg;
import org.trustquorum.runtime.wire.FrameDecodeException;
import org.trustquorum.runtime.wire.FrameDecoder;
import org.trustquorum.runtime.wire.FrameEncoder;
import org.trustquorum.runtime.wire.WireCodec;

/** Real sockets on loopback: mutual TLS with node certificates, carrying codec frames. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
class MutualTlsSmokeTest {
    private static final String LOOPBACK = "127.0.0.1";
    private static final NodeId SERVER = NodeId.parse("913-0000019:SRV001");
    private static final NodeId CLIENT = NodeId.parse("913-0000019:CLI002");
    private static final NodeId THIRD = NodeId.parse("913-0000019:TRD003");

    @TempDir
    Path dir;

    private static WireMsg sampleMessage() {
        RackId rack = new RackId(7, 9);
        Configuration config = new Configuration(rack, Epoch.of(1), CLIENT,
                List.of(new Member(CLIENT, new Sha3Digest(new byte[32])), new Member(SERVER, new Sha3Digest(new byte[32])),
                        new Member(THIRD, new Sha3Digest(new byte[32]))),
                Threshold.of(2), null, null);
        byte[] y = new byte[KeyShare.SECRET_LENGTH_BYTES];
        y[0] = 42;
        return new WireMsg.Protocol(new PeerMsg.Prepare(rack, config, new KeyShare(2, y)));
    }

    /** A server that answers every frame with the same message, and reports who connected. */
    private static NetServer echoServer(Vertx vertx, NodeTls tls, VertxTestContext ctx, AtomicReference<NodeId> seenPeer) {
        return vertx.createNetServer(tls.serverOptions(LOOPBACK, 0)).connectHandler(socket -> {
            NodeId peer;
            try {
                peer = NodeTls.peerId(socket);
            } catch (CertificateException e) {
                ctx.failNow(e);
                return;
            }
            seenPeer.set(peer);
            FrameDecoder decoder = new FrameDecoder();
            WireCodec codec = new WireCodec(); // this connection's event loop only
            socket.handler(chunk -> {
                try {
                    for (byte[] payload : decoder.feed(chunk)) {
                        socket.write(FrameEncoder.frame(codec.encode(codec.decode(payload))));
                    }
                } catch (FrameDecodeException e) {
                    ctx.failNow(e);
                    socket.close();
                }
            });
        });
    }

    @Test
    void frameRoundTripsOverMutualTlsAndTheServerLearnsTheClientId(Vertx vertx, VertxTestContext ctx) throws Exception {
        Certs.ClusterFiles files = Certs.makeCluster(dir, List.of(SERVER, CLIENT));
        AtomicReference<NodeId> seenByServer = new AtomicReference<>();
        WireMsg sent = sampleMessage();

        echoServer(vertx, NodeTls.of(files, SERVER), ctx, seenByServer).listen().compose(server ->
                vertx.createNetClient(NodeTls.of(files, CLIENT).clientOptions()).connect(server.actualPort(), LOOPBACK))
                .onComplete(ctx.succeeding(socket -> {
                    ctx.verify(() -> assertEquals(SERVER, NodeTls.verifyPeer(socket, SERVER)));
                    FrameDecoder decoder = new FrameDecoder();
                    WireCodec codec = new WireCodec();
                    socket.handler(chunk -> ctx.verify(() -> {
                        for (byte[] payload : decoder.feed(chunk)) {
                            assertEquals(sent, codec.decode(payload));
                            assertEquals(CLIENT, seenByServer.get());
                            ctx.completeNow();
                        }
                    }));
                    // Send the frame in two writes so the server has to reassemble it.
                    Buffer frame = FrameEncoder.frame(codec.encode(sent));
                    socket.write(frame.getBuffer(0, 3));
                    vertx.setTimer(20, t -> socket.write(frame.getBuffer(3, frame.length())));
                }));
    }

    @Test
    void clientWithACertificateFromAnotherCaIsRefused(Vertx vertx, VertxTestContext ctx) throws Exception {
        Certs.ClusterFiles good = Certs.makeCluster(dir.resolve("good"), List.of(SERVER, CLIENT));
        Certs.ClusterFiles rogue = Certs.makeCluster(dir.resolve("rogue"), List.of(CLIENT));
        // The rogue client trusts the real CA (so it would accept the server), but its own
        // certificate comes from a CA the server does not trust.
        NodeTls rogueClient = new NodeTls(good.caCertificate(), rogue.node(CLIENT).certificate(), rogue.node(CLIENT).key());

        Checkpoint refused = ctx.checkpoint();
        NetServer server = vertx.createNetServer(NodeTls.of(good, SERVER).serverOptions(LOOPBACK, 0))
                .connectHandler(socket -> ctx.failNow(new AssertionError("server accepted an untrusted client")));
        server.listen().compose(s -> vertx.createNetClient(rogueClient.clientOptions()).connect(s.actualPort(), LOOPBACK))
                .onComplete(ar -> {
                    if (ar.failed()) {
                        refused.flag(); // handshake failed on the client side
                        return;
                    }
                    // With TLS 1.3 the client may finish its half of the handshake before the
                    // server checks the client certificate; the server then drops the connection.
                    NetSocket socket = ar.result();
                    socket.handler(data -> ctx.failNow(new AssertionError("received data over a refused connection")));
                    socket.closeHandler(v -> refused.flag());
                    socket.write(FrameEncoder.frame(new WireCodec().encode(new WireMsg.Ping())));
                });
    }

    @Test
    void serverWithACertificateFromAnotherCaIsRefusedByTheClient(Vertx vertx, VertxTestContext ctx) throws Exception {
        Certs.ClusterFiles good = Certs.makeCluster(dir.resolve("good"), List.of(SERVER, CLIENT));
        Certs.ClusterFiles rogue = Certs.makeCluster(dir.resolve("rogue"), List.of(SERVER));
        NodeTls rogueServer = new NodeTls(good.caCertificate(), rogue.node(SERVER).certificate(), rogue.node(SERVER).key());

        vertx.createNetServer(rogueServer.serverOptions(LOOPBACK, 0))
                .connectHandler(socket -> ctx.failNow(new AssertionError("handshake should not complete")))
                .listen()
                .compose(s -> vertx.createNetClient(NodeTls.of(good, CLIENT).clientOptions()).connect(s.actualPort(), LOOPBACK))
                .onComplete(ctx.failing(err -> ctx.completeNow()));
    }

    @Test
    void dialerNoticesItReachedAnotherNodeThanItMeant(Vertx vertx, VertxTestContext ctx) throws Exception {
        Certs.ClusterFiles files = Certs.makeCluster(dir, List.of(SERVER, CLIENT, THIRD));
        vertx.createNetServer(NodeTls.of(files, SERVER).serverOptions(LOOPBACK, 0)).connectHandler(socket -> {})
                .listen()
                .compose(s -> vertx.createNetClient(NodeTls.of(files, CLIENT).clientOptions()).connect(s.actualPort(), LOOPBACK))
                .onComplete(ctx.succeeding(socket -> ctx.verify(() -> {
                    CertificateException e = assertThrows(CertificateException.class, () -> NodeTls.verifyPeer(socket, THIRD));
                    assertEquals("dialled " + THIRD + " but reached " + SERVER, e.getMessage());
                    socket.close();
                    ctx.completeNow();
                })));
    }
}
