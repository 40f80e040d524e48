package org.trustquorum.runtime.node;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.trustquorum.core.engine.PeerAddress;
import org.trustquorum.core.msg.WireMsg;
import org.trustquorum.runtime.tls.NodeTls;
import org.trustquorum.runtime.wire.FrameDecodeException;
import org.trustquorum.runtime.wire.FrameDecoder;
import org.trustquorum.runtime.wire.FrameEncoder;
import org.trustquorum.runtime.wire.WireCodec;

/**
 * A scripted peer for tests: a real mutual-TLS connection to a node, made with some node's
 * certificate, that sends and receives frames only when the test says so. It lets a test do what
 * a well-behaved node never does: vanish in the middle of a request, open a second connection,
 * stop reading, or send garbage.
 */
final class FakePeer {
    /** Held so that Vert.x does not close the client (and its socket) once it looks unused. */
    private final NetClient client;
    private final NetSocket socket;
    private final LinkedBlockingQueue<WireMsg> received = new LinkedBlockingQueue<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final WireCodec encoder = new WireCodec();

    private FakePeer(NetClient client, NetSocket socket) {
        this.client = client;
        this.socket = socket;
        FrameDecoder decoder = new FrameDecoder();
        WireCodec decoderCodec = new WireCodec(); // used on the socket's event loop only
        socket.handler(data -> {
            try {
                for (byte[] p : decoder.feed(data)) {
                    received.add(decoderCodec.decode(p));
                }
            } catch (FrameDecodeException e) {
                socket.close();
            }
        });
        socket.closeHandler(v -> closed.set(true));
    }

    static FakePeer connect(Vertx vertx, NodeTls identity, PeerAddress to) throws Exception {
        return connect(vertx, identity, to, new NetClientOptions());
    }

    /** Connects with extra socket options (for example a small receive buffer). */
    static FakePeer connect(Vertx vertx, NodeTls identity, PeerAddress to, NetClientOptions extra) throws Exception {
        NetClientOptions o = identity.clientOptions();
        if (extra.getReceiveBufferSize() > 0) {
            o.setReceiveBufferSize(extra.getReceiveBufferSize());
        }
        NetClient client = vertx.createNetClient(o);
        Future<NetSocket> f = client.connect(to.port(), to.host());
        return new FakePeer(client, f.await(LocalCluster.WAIT.toMillis(), TimeUnit.MILLISECONDS));
    }

    /** Sends a message as one frame. */
    void send(WireMsg msg) {
        byte[] payload;
        synchronized (encoder) {
            payload = encoder.encode(msg);
        }
        socket.write(FrameEncoder.frame(payload));
    }

    void sendRaw(byte[] bytes) {
        socket.write(Buffer.buffer(bytes));
    }

    /** Waits for the first received message that matches, dropping those before it. */
    <T extends WireMsg> T await(Class<T> type, Predicate<T> matching) throws InterruptedException {
        long deadline = System.nanoTime() + LocalCluster.WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            WireMsg m = received.poll(20, TimeUnit.MILLISECONDS);
            if (type.isInstance(m) && matching.test(type.cast(m))) {
                return type.cast(m);
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " received in time");
    }

    <T extends WireMsg> T await(Class<T> type) throws InterruptedException {
        return await(type, m -> true);
    }

    void pauseReading() {
        socket.pause();
    }

    void resumeReading() {
        socket.resume();
    }

    void close() {
        socket.close().onComplete(ar -> client.close());
    }

    boolean isClosed() {
        return closed.get();
    }

    void awaitClosed() throws Exception {
        LocalCluster.awaitTrue("fake peer's connection closed", closed::get);
    }
}
