package org.trustquorum.runtime.node;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.ServerSSLOptions;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trustquorum.core.engine.EngineHost;
import org.trustquorum.core.engine.ExitCause;
import org.trustquorum.core.engine.Input;
import org.trustquorum.core.engine.Output;
import org.trustquorum.core.engine.PeerAddress;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.msg.WireMsg;
import org.trustquorum.runtime.tls.Certs;
import org.trustquorum.runtime.wire.FrameDecodeException;
import org.trustquorum.runtime.wire.FrameDecoder;
import org.trustquorum.runtime.wire.FrameEncoder;
import org.trustquorum.runtime.wire.WireCodec;
import org.trustquorum.runtime.wire.WireVersion;

/**
 * A node's peer sockets: the listener, the dialing client, and every connection's handshake,
 * framing and one exit. It turns socket events into engine inputs, which it hands to the
 * {@link NodeVerticle}'s driver loop, and performs the connection outputs the loop releases.
 *
 * <p><b>Connections.</b> Inbound sockets are accepted as plain TCP, given an incarnation by the
 * engine's step of {@link Input.Accept} at once, and then upgraded to mutual TLS; the handshake's
 * future says when the peer is known. Outbound sockets come from {@link Output.Dial} and are TLS
 * from the start. Either way the peer's id comes from its certificate. Every socket reports
 * exactly one {@link Input.ConnExited}: close, error, refused handshake, failed dial, a bad frame
 * and a handler that throws all end in the same once-only exit.
 *
 * <p>Not thread-safe: used on the node's event-loop context only.
 */
// "try": a LogContext is opened for its effect on the MDC around a block, never referenced in it.
@SuppressWarnings("try")
final class PeerSockets {
    // The node's logger, not this class's: operators' log configuration and the documented log
    // lines name NodeVerticle, and this was its code.
    private static final Logger LOG = LoggerFactory.getLogger(NodeVerticle.class);

    /** The incarnation of a socket the engine has not numbered yet. */
    private static final long UNASSIGNED = -1;
    /** The shortest Vert.x timer delay (a delay of 0 ms is refused). */
    private static final long MIN_TIMER_DELAY_MS = 1;

    /** What the sockets need from the driver loop; every call on the node's context. */
    interface Driver {
        /** Queues an action for the driver loop (in order with every other input). */
        void submit(Supplier<EngineHost.Outcome> action);

        /** Steps the engine with {@code input} at the current time; only from inside a submitted action. */
        EngineHost.Outcome step(Input input);

        /** The node stopped: new sockets are turned away. */
        boolean stopped();

        /** The latest committed epoch, for the logging context. */
        String epochLabel();
    }

    /** The state of one socket (one incarnation). */
    private static final class Conn {
        long inc = UNASSIGNED;
        final boolean inbound;
        final String remote;
        final FrameDecoder decoder = new FrameDecoder();
        NetSocket socket;
        NodeId peer;
        boolean established;
        /** The handshake is over: established, or its failure counted (at most once). */
        boolean handshakeOver;
        boolean exited;
        boolean paused;
        int unreportedFlushes;
        boolean flushReportQueued;

        Conn(boolean inbound, String remote) {
            this.inbound = inbound;
            this.remote = remote;
        }

        String describe() {
            return "incarnation " + inc + (inbound ? " from " : " to ") + remote + (peer == null ? "" : " (" + peer + ")");
        }
    }

    private final Vertx vertx;
    private final NodeSettings settings;
    private final NodeMetrics metrics;
    private final Driver driver;
    private final WireCodec codec;
    private final HandshakeGuard handshakes;
    private final ServerSSLOptions upgradeOptions;
    private final Map<Long, Conn> conns = new HashMap<>();
    private final Set<NodeId> certifiedPeers = new TreeSet<>();
    /** The socket whose {@link Input.Accept} is being stepped, or null. */
    private Conn accepting;
    private NetServer server;
    private NetClient client;
    private boolean readingPaused;

    PeerSockets(Vertx vertx, NodeSettings settings, NodeMetrics metrics, MonotonicClock clock, Driver driver) {
        this.vertx = vertx;
        this.settings = settings;
        this.metrics = metrics;
        this.driver = driver;
        this.codec = new WireCodec();
        this.handshakes = new HandshakeGuard(settings.id().toString(), metrics, clock::nowMs,
                (delayMs, action) -> vertx.setTimer(Math.max(MIN_TIMER_DELAY_MS, delayMs), id -> action.run()));
        this.upgradeOptions = settings.tls().serverUpgradeOptions();
    }

    // ---------------------------------------------------------------------------------------
    // Listener, client and closing

    /** Starts accepting peers on the configured address; see {@link #listeningPort}. */
    Future<Void> listen() {
        server = vertx.createNetServer(new NetServerOptions().setHost(settings.listenHost())
                .setPort(settings.listenPort()).setTcpNoDelay(true));
        server.connectHandler(this::onAccept);
        server.exceptionHandler(e -> LOG.debug("{}: listener error: {}", settings.id(), e.toString()));
        return server.listen().mapEmpty();
    }

    /** The port peers reach this node on (once {@link #listen} succeeded). */
    int listeningPort() {
        return server.actualPort();
    }

    /** Creates the client that dials peers; before the engine's first step, which may dial. */
    void openClient() {
        client = vertx.createNetClient(settings.tls().clientOptions().setConnectTimeout(NodeVerticle.CONNECT_TIMEOUT_MS)
                .setTcpNoDelay(true));
    }

    /** Logs the handshake failures not logged yet and closes every socket (their exits are not reported). */
    void closeSockets() {
        handshakes.flush();
        for (Conn c : new ArrayList<>(conns.values())) {
            if (c.socket != null) {
                c.socket.close();
            }
        }
    }

    /** Closes the listener and the client; the caller waits for the returned futures. */
    List<Future<?>> closeEndpoints() {
        List<Future<?>> closing = new ArrayList<>();
        if (server != null) {
            closing.add(server.close());
        }
        if (client != null) {
            closing.add(client.close());
        }
        return closing;
    }

    /** Peers that showed a certificate of this rack (at most {@link NodeVerticle#MAX_CERTIFIED_PEERS_REMEMBERED}). */
    Set<NodeId> certifiedPeers() {
        return certifiedPeers;
    }

    // ---------------------------------------------------------------------------------------
    // Back-pressure: the driver loop pauses reading while its queue is long

    boolean readingPaused() {
        return readingPaused;
    }

    void pauseReading(int queuedInputs) {
        readingPaused = true;
        for (Conn c : conns.values()) {
            if (c.socket != null && c.established && !c.exited && !c.paused) {
                c.socket.pause();
                c.paused = true;
            }
        }
        LOG.warn("{}: {} inputs queued behind the ledger; reading from peers paused", settings.id(), queuedInputs);
    }

    void resumeReading() {
        readingPaused = false;
        for (Conn c : conns.values()) {
            if (c.paused && !c.exited) {
                c.socket.resume();
            }
            c.paused = false;
        }
    }

    // ---------------------------------------------------------------------------------------
    // Connection outputs, released by the engine's host

    /** {@link Output.Accepted}: the engine gave the socket being accepted its incarnation (the first output of its step). */
    void accepted(long inc) {
        Conn c = accepting;
        c.inc = inc;
        conns.put(inc, c);
        if (!c.exited) {
            startServerHandshake(c);
        }
    }

    /** {@link Output.Dial}: connects to {@code address} as incarnation {@code inc}. */
    void dial(long inc, PeerAddress address) {
        metrics.connectionsDialed.incrementAndGet();
        Conn c = new Conn(false, address.toString());
        c.inc = inc;
        conns.put(inc, c);
        client.connect(address.port(), address.host()).onComplete(ar -> guarded(c, () -> {
            if (ar.failed()) {
                if (WireVersion.isAlpnRefusal(ar.cause())) {
                    wireVersionMismatch(c, WireVersion.alpnRefusal());
                    handshakeFailed(c, HandshakeGuard.Failure.WIRE_VERSION, rootMessage(ar.cause()));
                } else if (HandshakeGuard.isHandshakeError(ar.cause())) {
                    handshakeFailed(c, HandshakeGuard.classify(ar.cause()), rootMessage(ar.cause()));
                } else {
                    LOG.debug("{}: dial {} failed: {}", settings.id(), c.describe(), rootMessage(ar.cause()));
                }
                exit(c, ExitCause.DIAL_FAILED);
                return;
            }
            NetSocket socket = ar.result();
            if (c.exited) {
                socket.close(); // the engine gave up on this dial already
                return;
            }
            c.socket = socket;
            attachHandlers(c);
            NodeId peer = certifiedPeer(c);
            if (peer == null || !sameWireVersion(c)) {
                exit(c, ExitCause.DIAL_FAILED);
                return;
            }
            established(c, peer);
        }));
    }

    /** {@link Output.SendFrame}: frames and writes {@code msg} on incarnation {@code inc}. */
    void send(long inc, WireMsg msg) {
        Conn c = conns.get(inc);
        if (c == null || c.exited || c.socket == null) {
            metrics.framesDropped.incrementAndGet(); // its exit is reported (or queued) already
            return;
        }
        Buffer frame;
        byte[] payload = null;
        try {
            payload = codec.encode(msg);
            frame = FrameEncoder.frame(payload);
        } catch (RuntimeException e) {
            metrics.handlerExceptions.incrementAndGet();
            LOG.error("{}: cannot encode a {} for {}; closing it: {}", settings.id(), WireMsg.kind(msg), c.describe(),
                    e.getMessage());
            exit(c, ExitCause.HANDLER_EXCEPTION);
            return;
        } finally {
            if (payload != null) {
                Arrays.fill(payload, (byte) 0);
            }
        }
        metrics.framesSent.incrementAndGet();
        c.socket.write(frame).onComplete(ar -> guarded(c, () -> {
            if (ar.succeeded()) {
                flushed(c);
            } else {
                LOG.debug("{}: write on {} failed: {}", settings.id(), c.describe(), rootMessage(ar.cause()));
                exit(c, ExitCause.IO_ERROR);
            }
        }));
    }

    /** {@link Output.CloseConn}: ends incarnation {@code inc} (if it has not ended already). */
    void close(long inc, ExitCause cause) {
        Conn conn = conns.get(inc);
        if (conn == null) {
            return;
        }
        LOG.debug("{}: closing {}: {}", settings.id(), conn.describe(), cause);
        if (conn.inbound && !conn.established && cause == ExitCause.INACTIVITY) {
            handshakeFailed(conn, HandshakeGuard.Failure.TIMEOUT, "not finished within "
                    + settings.limits().handshakeTimeoutMs() + " ms");
        }
        exit(conn, cause);
    }

    // ---------------------------------------------------------------------------------------
    // Socket events

    private void onAccept(NetSocket socket) {
        if (driver.stopped()) {
            socket.close();
            return;
        }
        metrics.connectionsAccepted.incrementAndGet();
        Conn c = new Conn(true, String.valueOf(socket.remoteAddress()));
        HandshakeGuard.Admission admission = handshakes.admit(c, socket.remoteAddress().hostAddress());
        if (!admission.admitted()) {
            c.handshakeOver = true;
            c.exited = true;
            socket.close();
            handshakes.failed(admission.refusal(), "a connection from " + c.remote, handshakes.pending()
                    + " handshakes pending (at most " + HandshakeGuard.MAX_PENDING_PER_SOURCE + " per source, "
                    + HandshakeGuard.MAX_PENDING_TOTAL + " in all)");
            return;
        }
        if (admission.evicted() instanceof Conn victim) {
            handshakeFailed(victim, HandshakeGuard.Failure.EVICTED, "made room for a connection from " + c.remote);
            exit(victim, ExitCause.ABORTED);
        }
        c.socket = socket;
        attachHandlers(c);
        driver.submit(() -> {
            // The step's first output is Accepted, which must find this socket.
            accepting = c;
            try {
                return driver.step(new Input.Accept());
            } finally {
                accepting = null;
            }
        });
    }

    private void startServerHandshake(Conn c) {
        c.socket.upgradeToSsl(upgradeOptions).onComplete(ar -> guarded(c, () -> {
            if (c.exited) {
                return;
            }
            if (ar.failed()) {
                HandshakeGuard.Failure cause = HandshakeGuard.classify(ar.cause());
                if (cause == HandshakeGuard.Failure.WIRE_VERSION) {
                    wireVersionMismatch(c, WireVersion.alpnRefusal());
                }
                handshakeFailed(c, cause, rootMessage(ar.cause()));
                exit(c, ExitCause.ABORTED);
                return;
            }
            NodeId peer = certifiedPeer(c);
            if (peer == null || !sameWireVersion(c)) {
                exit(c, ExitCause.ABORTED);
                return;
            }
            established(c, peer);
        }));
    }

    /**
     * The node id in the certificate of a socket whose handshake completed, or null (counted and
     * logged) if there is none: the session is not authenticated (the other end went away during
     * the handshake) or the certificate does not name a node.
     */
    private NodeId certifiedPeer(Conn c) {
        List<Certificate> chain;
        try {
            chain = c.socket.peerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            handshakeFailed(c, HandshakeGuard.Failure.NO_NODE_ID, "no authenticated peer: " + e.getMessage());
            return null;
        }
        try {
            return Certs.peerIdFromChain(chain);
        } catch (CertificateException e) {
            handshakeFailed(c, HandshakeGuard.Failure.NO_NODE_ID, "its certificate names no node: " + e.getMessage());
            return null;
        }
    }

    /** True if the handshake agreed on this build's wire version; otherwise logs and counts the refusal. */
    private boolean sameWireVersion(Conn c) {
        String why = WireVersion.mismatch(c.socket.applicationLayerProtocol());
        if (why == null) {
            return true;
        }
        wireVersionMismatch(c, why);
        return false;
    }

    private void wireVersionMismatch(Conn c, String why) {
        metrics.wireVersionMismatches.incrementAndGet();
        LOG.warn("{}: refusing {}: wire version mismatch: {}", settings.id(), c.describe(), why);
    }

    private void established(Conn c, NodeId peer) {
        c.peer = peer;
        c.established = true;
        c.handshakeOver = true;
        handshakes.finished(c);
        if (certifiedPeers.size() < NodeVerticle.MAX_CERTIFIED_PEERS_REMEMBERED) {
            certifiedPeers.add(peer);
        }
        metrics.connectionsEstablished.incrementAndGet();
        LOG.info("{}: connected {}", settings.id(), c.describe());
        if (readingPaused) {
            c.socket.pause();
            c.paused = true;
        }
        driver.submit(() -> driver.step(new Input.ConnEstablished(c.inc, peer)));
    }

    private void attachHandlers(Conn c) {
        NetSocket s = c.socket;
        s.handler(data -> guarded(c, () -> onData(c, data)));
        s.closeHandler(v -> guarded(c, () -> exit(c, ExitCause.CLEAN_CLOSE)));
        s.exceptionHandler(e -> guarded(c, () -> {
            LOG.debug("{}: error on {}: {}", settings.id(), c.describe(), rootMessage(e));
            exit(c, ExitCause.IO_ERROR);
        }));
    }

    private void onData(Conn c, Buffer data) {
        if (c.exited || !c.established) {
            return; // nothing is read before the handshake completed, nor after the exit
        }
        List<byte[]> payloads;
        try {
            payloads = c.decoder.feed(data);
        } catch (FrameDecodeException e) {
            metrics.decodeErrors.incrementAndGet();
            LOG.warn("{}: closing {}: bad frame: {}", settings.id(), c.describe(), e.getMessage());
            exit(c, ExitCause.DECODE_ERROR);
            return;
        }
        for (byte[] payload : payloads) {
            WireMsg msg;
            try {
                msg = codec.decode(payload);
            } catch (FrameDecodeException e) {
                metrics.decodeErrors.incrementAndGet();
                LOG.warn("{}: closing {}: undecodable frame of {} bytes: {}", settings.id(), c.describe(), payload.length,
                        e.getMessage());
                exit(c, ExitCause.DECODE_ERROR);
                return;
            } finally {
                Arrays.fill(payload, (byte) 0); // may hold a key share
            }
            metrics.framesReceived.incrementAndGet();
            long inc = c.inc;
            driver.submit(() -> driver.step(new Input.FrameReceived(inc, msg)));
        }
    }

    /** Counts a written frame; consecutive ones are reported to the engine in one input. */
    private void flushed(Conn c) {
        c.unreportedFlushes++;
        if (c.flushReportQueued) {
            return;
        }
        c.flushReportQueued = true;
        driver.submit(() -> {
            c.flushReportQueued = false;
            int n = c.unreportedFlushes;
            c.unreportedFlushes = 0;
            if (n == 0 || c.exited) {
                return null;
            }
            return driver.step(new Input.FramesFlushed(c.inc, n));
        });
    }

    /**
     * Ends a socket: closes it and reports its one exit. Later calls (the close handler after an
     * error, a write failing after a close) do nothing.
     */
    private void exit(Conn c, ExitCause cause) {
        if (c.exited) {
            return;
        }
        if (c.inbound && !c.handshakeOver && cause != ExitCause.SHUTDOWN) {
            handshakeFailed(c, HandshakeGuard.Failure.CLOSED, "ended with " + cause.name().toLowerCase(Locale.ROOT));
        }
        handshakes.finished(c);
        c.exited = true;
        metrics.exited(cause);
        if (c.socket != null) {
            c.socket.close();
        }
        if (c.established) {
            LOG.info("{}: {} ended: {}", settings.id(), c.describe(), cause);
        }
        driver.submit(() -> {
            conns.remove(c.inc);
            return driver.step(new Input.ConnExited(c.inc, cause));
        });
    }

    /** Counts and logs the failed handshake of {@code c}, once; frees its slot. */
    private void handshakeFailed(Conn c, HandshakeGuard.Failure cause, String detail) {
        if (c.handshakeOver) {
            return;
        }
        c.handshakeOver = true;
        handshakes.finished(c);
        handshakes.failed(cause, c.describe(), detail);
    }

    /** Runs a socket handler; if it throws, the connection ends with HANDLER_EXCEPTION and the node carries on. */
    private void guarded(Conn c, Runnable handler) {
        try (LogContext lc = LogContext.peer(settings.id().toString(), driver.epochLabel(),
                c.peer != null ? c.peer.toString() : c.remote)) {
            handler.run();
        } catch (RuntimeException e) {
            metrics.handlerExceptions.incrementAndGet();
            LOG.error("{}: handler for {} threw; closing the connection", settings.id(), c.describe(), e);
            exit(c, ExitCause.HANDLER_EXCEPTION);
        }
    }

    private static String rootMessage(Throwable t) {
        Throwable r = t;
        while (r.getCause() != null && r.getCause() != r) {
            r = r.getCause();
        }
        String m = r.getMessage();
        return r.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
}
