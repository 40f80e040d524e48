package org.trustquorum.runtime.node;

import org.trustquorum.core.auth.ConfigAuthority;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.ServerSSLOptions;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trustquorum.core.api.NodeError;
import org.trustquorum.core.crypto.RackSecret;
import org.trustquorum.core.engine.ApiRequest;
import org.trustquorum.core.engine.ApiResponse;
import org.trustquorum.core.engine.EngineHost;
import org.trustquorum.core.engine.ExitCause;
import org.trustquorum.core.engine.Input;
import org.trustquorum.core.engine.NodeEngine;
import org.trustquorum.core.engine.Output;
import org.trustquorum.core.engine.PeerAddress;
import org.trustquorum.core.engine.Step;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.PersistentState;
import org.trustquorum.core.model.Result;
import org.trustquorum.core.msg.WireMsg;
import org.trustquorum.runtime.admin.AdminBackend;
import org.trustquorum.runtime.admin.AdminServer;
import org.trustquorum.runtime.admin.NodeView;
import org.trustquorum.runtime.tls.Certs;
import org.trustquorum.runtime.wire.FrameDecodeException;
import org.trustquorum.runtime.wire.FrameDecoder;
import org.trustquorum.runtime.wire.FrameEncoder;
import org.trustquorum.runtime.wire.WireCodec;
import org.trustquorum.runtime.wire.WireVersion;

/**
 * One node: its {@link NodeEngine} on this verticle's event-loop context, driven by real sockets,
 * timers and a durable ledger. Every engine call happens on that context, so there are no locks;
 * public methods that may be called from elsewhere hop onto it.
 *
 * <p><b>The driver loop.</b> Every input (socket event, timer, API call) becomes an action in one
 * FIFO queue. An action steps the engine through its {@link EngineHost}, which keeps the driver
 * contract; this class supplies the I/O ({@link HostIo}). If the step changed persistent state, the
 * state is written to the ledger on this node's single ledger worker and the queue stops until the
 * write completes - only then does the host release the step's outputs, in order (persist before
 * send). A failed write stops the node: it never acts on state that is not durable. While the
 * queue is long (a slow disk), reading from peers pauses.
 *
 * <p><b>Connections.</b> Inbound sockets are accepted as plain TCP, given an incarnation by the
 * engine's step of {@link Input.Accept} at once, and then upgraded to mutual TLS; the handshake's
 * future says when the peer is known. Outbound sockets come from {@link Output.Dial} and are TLS
 * from the start. Either way the peer's id comes from its certificate. Every socket reports
 * exactly one {@link Input.ConnExited}: close, error, refused handshake, failed dial, a bad frame
 * and a handler that throws all end in the same once-only exit.
 */
// "try": a LogContext is opened for its effect on the MDC around a block, never referenced in it.
@SuppressWarnings("try")
public final class NodeVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(NodeVerticle.class);

    /** Queued inputs at which the node stops reading from peers until the queue drains. */
    public static final int INPUT_QUEUE_PAUSE_AT_INPUTS = 4_096;
    /** Queued inputs at which reading resumes. */
    public static final int INPUT_QUEUE_RESUME_AT_INPUTS = 512;
    /** Time allowed for the TCP connect of a dial (the TLS handshake has its own bound). */
    public static final int CONNECT_TIMEOUT_MS = 5_000;
    /** Threads writing this node's ledger: one, so writes happen one at a time, in order. */
    private static final int LEDGER_WORKER_THREADS = 1;
    /** How long a ledger write may block the worker before Vert.x warns about it. */
    private static final long LEDGER_WRITE_WARN_MS = 10_000;

    private static final long UNASSIGNED = -1;
    /** Peer ids remembered as holders of a rack certificate (for vetting reconfigurations); more are not added. */
    public static final int MAX_CERTIFIED_PEERS_REMEMBERED = 1_024;

    private final NodeSettings settings;
    private final Durability durability;
    private final NodeMetrics metrics;
    private final Promise<Void> terminated = Promise.promise();

    // ---- event-loop state: touched only on this verticle's context ----
    private final MonotonicClock clock = new MonotonicClock();
    private HandshakeGuard handshakes;
    private final Map<Long, Conn> conns = new HashMap<>();
    private final Map<Long, Promise<ApiResponse>> pendingReplies = new HashMap<>();
    private final Set<NodeId> certifiedPeers = new java.util.TreeSet<>();
    private final ArrayDeque<Supplier<EngineHost.Outcome>> queue = new ArrayDeque<>();
    private NodeEngine engine;
    private EngineHost host;
    /** The socket whose {@link Input.Accept} is being stepped, or null. */
    private Conn accepting;
    private WireCodec codec;
    private NetServer server;
    private NetClient client;
    private ServerSSLOptions upgradeOptions;
    private WorkerExecutor ledgerWorker;
    private AdminServer admin;
    private long generation;
    private long nextReplyId = 1;
    private boolean pumping;
    private boolean persisting;
    /** The pending ledger write completed: the host releases its step when the loop runs next. */
    private boolean persistDone;
    /** The engine made the step being handled (so a failure from here on is the driver's or the contract's). */
    private boolean stepSeen;
    private long persistStartNanos;
    private boolean readingPaused;
    private boolean stopped;
    private long timerId = -1;
    private volatile PeerAddress selfAddress;
    private volatile int adminPort = -1;
    /** The latest committed epoch, for the logging context; updated after each ledger write. */
    private volatile String epochLabel = "0";

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

    public NodeVerticle(NodeSettings settings, Durability durability) {
        this(settings, durability, NodeMetrics.newRegistry(settings.id().toString()));
    }

    /** A node whose figures go to {@code registry} (shared with the process's JVM and Vert.x figures). */
    public NodeVerticle(NodeSettings settings, Durability durability, PrometheusMeterRegistry registry) {
        this.settings = settings;
        this.durability = durability;
        this.metrics = new NodeMetrics(registry);
    }

    // ---------------------------------------------------------------------------------------
    // Life cycle

    @Override
    public Future<?> start() {
        codec = new WireCodec();
        handshakes = new HandshakeGuard(settings.id().toString(), metrics, clock::nowMs,
                (delayMs, action) -> vertx.setTimer(Math.max(1, delayMs), id -> action.run()));
        upgradeOptions = settings.tls().serverUpgradeOptions();
        ledgerWorker = vertx.createSharedWorkerExecutor("tq-ledger-" + settings.id(), LEDGER_WORKER_THREADS,
                LEDGER_WRITE_WARN_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
        return ledgerWorker.executeBlocking(() -> {
            try (LogContext lc = logContext()) {
                return ControlPlaneTrust.loadAndTrust(settings.id(), durability, settings.controlPlaneKey());
            }
        }, true).compose(snapshot -> {
            generation = snapshot.generation();
            epochLabel = snapshot.state().latestCommittedEpoch().toString();
            try (LogContext lc = logContext()) {
                LOG.info("{}: loaded ledger generation {} ({} configs, {} commits)", settings.id(), snapshot.generation(),
                        snapshot.state().configs().size(), snapshot.state().commits().size());
            }
            server = vertx.createNetServer(new NetServerOptions().setHost(settings.listenHost())
                    .setPort(settings.listenPort()).setTcpNoDelay(true));
            server.connectHandler(this::onAccept);
            server.exceptionHandler(e -> LOG.debug("{}: listener error: {}", settings.id(), e.toString()));
            return server.listen().map(s -> snapshot.state());
        }).compose(state -> {
            selfAddress = new PeerAddress(settings.advertisedHost(), server.actualPort());
            org.trustquorum.core.Mutation mutation = TestMutation.fromSystemProperty();
            if (mutation != org.trustquorum.core.Mutation.NONE) {
                LOG.warn("{}: TEST ONLY: started with the guard of '{}' turned off: {}", settings.id(), mutation.cliName(),
                        mutation.description());
            }
            engine = new NodeEngine(settings.id(), selfAddress, state, settings.limits(), new SecureRandom(),
                    ConfigAuthority.of(state.controlPlaneKey()), mutation);
            host = new EngineHost(engine, new HostIo());
            client = vertx.createNetClient(settings.tls().clientOptions().setConnectTimeout(CONNECT_TIMEOUT_MS)
                    .setTcpNoDelay(true));
            submit(() -> host.step(new Input.PeersChanged(Set.copyOf(settings.peers())), now()));
            try (LogContext lc = logContext()) {
                LOG.info("{}: listening for peers on {}", settings.id(), selfAddress);
            }
            if (settings.admin() == null) {
                return Future.succeededFuture();
            }
            admin = new AdminServer(vertx, adminBackend(), settings.admin());
            return admin.listen().map(port -> {
                adminPort = port;
                try (LogContext lc = logContext()) {
                    LOG.info("{}: admin API on {}:{}", settings.id(), settings.admin().host(), port);
                }
                return null;
            });
        }).onFailure(e -> {
            try (LogContext lc = logContext()) {
                LOG.error("{}: start-up failed: {}", settings.id(), e.toString());
            }
            terminated.tryFail(e);
        });
    }

    @Override
    public Future<?> stop() {
        if (stopped || engine == null) {
            return closeResources().onComplete(ar -> terminated.tryComplete());
        }
        Promise<Void> drained = Promise.promise();
        submit(() -> host.step(new Input.Shutdown(), now()));
        submit(() -> {
            drained.tryComplete();
            return null;
        });
        // A node that fails while shutting down completes "drained" through the fatal path.
        terminated.future().onComplete(ar -> drained.tryComplete());
        return drained.future().compose(v -> {
            stopped = true;
            failPendingReplies("the node stopped");
            return closeResources();
        }).onComplete(ar -> {
            try (LogContext lc = logContext()) {
                LOG.info("{}: stopped", settings.id());
            }
            terminated.tryComplete();
        });
    }

    private Future<Void> closeResources() {
        cancelTimer();
        if (handshakes != null) {
            handshakes.flush();
        }
        for (Conn c : new ArrayList<>(conns.values())) {
            if (c.socket != null) {
                c.socket.close();
            }
        }
        List<Future<?>> closing = new ArrayList<>();
        if (admin != null) {
            closing.add(admin.close());
        }
        if (server != null) {
            closing.add(server.close());
        }
        if (client != null) {
            closing.add(client.close());
        }
        if (ledgerWorker != null) {
            closing.add(ledgerWorker.close());
        }
        return Future.join(closing).mapEmpty();
    }

    /**
     * Stops the node because continuing would be unsafe (a ledger write failed, or the engine
     * broke an invariant): nothing more is sent, every socket is closed, callers get a failure.
     */
    private void fatal(String reason, Throwable cause) {
        if (stopped) {
            return;
        }
        stopped = true;
        queue.clear();
        LOG.error("{}: stopping the node: {}", settings.id(), reason, cause);
        failPendingReplies("the node stopped: " + reason);
        closeResources().onComplete(ar -> terminated.tryFail(new NodeFailedException(reason, cause)));
    }

    private void failPendingReplies(String why) {
        List<Promise<ApiResponse>> waiting = new ArrayList<>(pendingReplies.values());
        pendingReplies.clear();
        for (Promise<ApiResponse> p : waiting) {
            p.tryFail(new NodeFailedException(why, null));
        }
    }

    // ---------------------------------------------------------------------------------------
    // Public API (any thread)

    public NodeId id() {
        return settings.id();
    }

    /** Counters; safe to read from any thread. */
    public NodeMetrics metrics() {
        return metrics;
    }

    /** Where peers reach this node (known once started). */
    public PeerAddress address() {
        return selfAddress;
    }

    /** The admin listener's port, or -1 if there is none (known once started). */
    public int adminPort() {
        return adminPort;
    }

    /** Completes when the node stopped cleanly; fails if it stopped because continuing was unsafe. */
    public Future<Void> terminated() {
        return terminated.future();
    }

    /**
     * Runs a node API call through the engine and completes with its response. A loaded rack
     * secret in the response belongs to the caller, who closes it.
     */
    public Future<ApiResponse> call(ApiRequest request) {
        Promise<ApiResponse> p = Promise.promise();
        if (context.isEventLoopContext() && io.vertx.core.Vertx.currentContext() == context) {
            enqueueCall(request, p); // already on this node's thread (e.g. a caller chaining calls)
        } else {
            context.runOnContext(v -> enqueueCall(request, p));
        }
        return p.future();
    }

    private void enqueueCall(ApiRequest request, Promise<ApiResponse> p) {
        if (stopped || engine == null) {
            p.fail(new NodeFailedException(stopped ? "the node is stopped" : "the node is not started", null));
            return;
        }
        long replyId = nextReplyId++;
        pendingReplies.put(replyId, p);
        submit(() -> host.step(new Input.ApiCall(replyId, request), now()));
    }

    /** Replaces the bootstrap peer addresses (for nodes started on port 0). */
    public Future<Void> setPeers(Set<PeerAddress> peers) {
        Promise<Void> p = Promise.promise();
        context.runOnContext(v -> {
            if (engine == null || stopped) {
                p.fail(new NodeFailedException(stopped ? "the node is stopped" : "the node is not started", null));
                return;
            }
            submit(() -> host.step(new Input.PeersChanged(peers), now()));
            p.complete();
        });
        return p.future();
    }

    /** Reads something from the engine on its own thread (status pages, tests). Never step it from here. */
    public <T> Future<T> inspect(Function<NodeEngine, T> reader) {
        Promise<T> p = Promise.promise();
        context.runOnContext(v -> {
            try {
                p.complete(reader.apply(engine));
            } catch (RuntimeException e) {
                p.fail(e);
            }
        });
        return p.future();
    }

    /** Values for the metrics page; call on this node's context (the admin server does). */
    public NodeMetrics.Gauges gauges() {
        return new NodeMetrics.Gauges(engine.connections().connectedPeers().size(),
                engine.connections().table().liveIncarnations().size(), engine.connections().tracker().size(),
                queue.size(), generation);
    }

    /** The Prometheus text of this node's registry, with the engine's gauges read on this node's thread. */
    public Future<String> scrape() {
        return inspect(e -> {
            metrics.snapshot(gauges());
            return metrics.scrape();
        });
    }

    private LogContext logContext() {
        return LogContext.node(settings.id().toString(), epochLabel);
    }

    private AdminBackend adminBackend() {
        return new AdminBackend() {
            @Override
            public NodeId id() {
                return settings.id();
            }

            @Override
            public Future<ApiResponse> call(ApiRequest request) {
                return NodeVerticle.this.call(request);
            }

            @Override
            public Future<Optional<WireMsg.NetworkConfig>> networkConfig() {
                return inspect(e -> e.connections().gossip().current());
            }

            @Override
            public Future<NodeView> view() {
                return inspect(e -> new NodeView(e.status(), e.state().configs(), certifiedPeers));
            }

            @Override
            public Future<String> metricsText() {
                return scrape();
            }

            @Override
            public void countRequest() {
                metrics.adminRequests.incrementAndGet();
            }
        };
    }

    // ---------------------------------------------------------------------------------------
    // The driver loop (event loop only)

    private long now() {
        return clock.nowMs();
    }

    /** Queues an action; it runs as soon as no earlier action or ledger write is in the way. */
    private void submit(Supplier<EngineHost.Outcome> action) {
        if (stopped) {
            return;
        }
        queue.add(action);
        if (queue.size() >= INPUT_QUEUE_PAUSE_AT_INPUTS && !readingPaused) {
            pauseReading();
        }
        pump();
    }

    private void pump() {
        if (pumping) {
            return; // an output we are performing caused this; the running loop picks it up in order
        }
        pumping = true;
        try (LogContext lc = logContext()) {
            while (!stopped && !persisting) {
                stepSeen = true;
                if (persistDone) {
                    persistDone = false;
                    if (!run(() -> {
                        host.persisted();
                        return EngineHost.Outcome.RELEASED;
                    })) {
                        return;
                    }
                    continue;
                }
                Supplier<EngineHost.Outcome> action = queue.poll();
                if (action == null) {
                    break;
                }
                stepSeen = false;
                if (!run(action)) {
                    return;
                }
            }
            if (readingPaused && queue.size() <= INPUT_QUEUE_RESUME_AT_INPUTS) {
                resumeReading();
            }
        } finally {
            pumping = false;
        }
    }

    /**
     * Runs one action. If the engine, the driver contract or the driver itself fails, the rest of
     * the step cannot be performed faithfully (a frame might be neither sent nor followed by an
     * exit), so the node stops; returns false then.
     */
    private boolean run(Supplier<EngineHost.Outcome> action) {
        try {
            action.get();
        } catch (EngineHost.ContractBroken e) {
            fatal("the engine broke the driver contract", e);
            return false;
        } catch (RuntimeException e) {
            fatal(stepSeen ? "the driver failed while performing a step's outputs" : "the engine failed a step", e);
            return false;
        }
        return true;
    }

    /** The driver's side of the engine's host: the ledger, the sockets, API replies and one timer. */
    private final class HostIo implements EngineHost.Io {
        @Override
        public void stepped(Input input, Step step) {
            stepSeen = true;
            metrics.steps.incrementAndGet();
        }

        @Override
        public EngineHost.Durability persist(PersistentState state) {
            startPersist(state);
            return EngineHost.Durability.PENDING;
        }

        @Override
        public void release(Output o) {
            if (!stopped) {
                perform(o);
            }
        }

        @Override
        public void deadline(long atMs) {
            cancelTimer();
            if (atMs == Long.MAX_VALUE) {
                return;
            }
            timerId = vertx.setTimer(Math.max(1, atMs - now()), id -> {
                if (id != timerId) {
                    return;
                }
                timerId = -1;
                submit(() -> host.step(new Input.TimerFired(), now()));
            });
        }
    }

    private void startPersist(PersistentState state) {
        persisting = true;
        long gen = generation + 1;
        persistStartNanos = System.nanoTime();
        ledgerWorker.<Void>executeBlocking(() -> {
            try (LogContext lc = logContext()) {
                durability.write(gen, state);
            }
            return null;
        }, true).onComplete(ar -> {
            persisting = false;
            if (ar.failed()) {
                metrics.ledgerWriteFailures.incrementAndGet();
                host.persistFailed();
                fatal("ledger write of generation " + gen + " failed: " + ar.cause().getMessage(), ar.cause());
                return;
            }
            generation = gen;
            epochLabel = state.latestCommittedEpoch().toString();
            metrics.ledgerWritten(System.nanoTime() - persistStartNanos);
            persistDone = true;
            pump();
        });
    }

    private void perform(Output o) {
        switch (o) {
            case Output.Dial d -> dial(d.incarnation(), d.address());
            case Output.Accepted a -> accepted(a.incarnation());
            case Output.SendFrame s -> send(s.incarnation(), s.msg());
            case Output.CloseConn c -> {
                Conn conn = conns.get(c.incarnation());
                if (conn != null) {
                    LOG.debug("{}: closing {}: {}", settings.id(), conn.describe(), c.cause());
                    if (conn.inbound && !conn.established && c.cause() == ExitCause.INACTIVITY) {
                        handshakeFailed(conn, HandshakeGuard.Failure.TIMEOUT, "not finished within "
                                + settings.limits().handshakeTimeoutMs() + " ms");
                    }
                    exit(conn, c.cause());
                }
            }
            case Output.Reply r -> reply(r.replyId(), r.response());
            case Output.RaiseAlarm a -> {
                metrics.alarms.incrementAndGet();
                LOG.error("{}: ALARM {}", settings.id(), a.alarm());
            }
            case Output.TraceEvent t -> LOG.debug("{}: {} {}", settings.id(), t.kind(), t.detail());
            case Output.PeerRefused r -> LOG.warn("{}: refused {} from {} (first from this peer; {} refused in all): {}",
                    settings.id(), r.kind(), r.peer(), engine.refusedFrames(), r.reason());
        }
    }

    private void reply(long replyId, ApiResponse response) {
        if (response instanceof ApiResponse.Proxied p) {
            metrics.proxyCompleted(p.result());
        } else if (response instanceof ApiResponse.Reconfigured r) {
            metrics.reconfigured(r.result());
        }
        Promise<ApiResponse> p = pendingReplies.remove(replyId);
        boolean delivered = false;
        try {
            delivered = p != null && p.tryComplete(response);
        } catch (RuntimeException e) {
            // A caller's listener threw; that is the caller's problem, not the node's.
            LOG.warn("{}: a listener of API reply {} threw: {}", settings.id(), replyId, e.toString());
            delivered = true;
        }
        if (delivered) {
            return;
        }
        // Nobody is waiting (cannot happen today); a secret must not outlive the call that loaded it.
        if (response instanceof ApiResponse.SecretLoaded s
                && s.result() instanceof Result.Ok<Optional<RackSecret>, NodeError.LoadSecretError> ok) {
            ok.value().ifPresent(RackSecret::close);
        }
    }

    private void cancelTimer() {
        if (timerId != -1) {
            vertx.cancelTimer(timerId);
            timerId = -1;
        }
    }

    private void pauseReading() {
        readingPaused = true;
        for (Conn c : conns.values()) {
            if (c.socket != null && c.established && !c.exited && !c.paused) {
                c.socket.pause();
                c.paused = true;
            }
        }
        LOG.warn("{}: {} inputs queued behind the ledger; reading from peers paused", settings.id(), queue.size());
    }

    private void resumeReading() {
        readingPaused = false;
        for (Conn c : conns.values()) {
            if (c.paused && !c.exited) {
                c.socket.resume();
            }
            c.paused = false;
        }
    }

    // ---------------------------------------------------------------------------------------
    // Sockets (event loop only)

    private void onAccept(NetSocket socket) {
        if (stopped) {
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
        submit(() -> {
            accepting = c;
            try {
                return host.step(new Input.Accept(), now());
            } finally {
                accepting = null;
            }
        });
    }

    /** The engine gave the socket being accepted its incarnation (the first output of its step). */
    private void accepted(long inc) {
        Conn c = accepting;
        c.inc = inc;
        conns.put(inc, c);
        if (!c.exited) {
            startServerHandshake(c);
        }
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

    private void dial(long inc, PeerAddress address) {
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

    /**
     * The node id in the certificate of a socket whose handshake completed, or null (counted and
     * logged) if there is none: the session is not authenticated (the other end went away during
     * the handshake) or the certificate does not name a node.
     */
    private NodeId certifiedPeer(Conn c) {
        List<java.security.cert.Certificate> chain;
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
        if (certifiedPeers.size() < MAX_CERTIFIED_PEERS_REMEMBERED) {
            certifiedPeers.add(peer);
        }
        metrics.connectionsEstablished.incrementAndGet();
        LOG.info("{}: connected {}", settings.id(), c.describe());
        if (readingPaused) {
            c.socket.pause();
            c.paused = true;
        }
        submit(() -> host.step(new Input.ConnEstablished(c.inc, peer), now()));
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
            submit(() -> host.step(new Input.FrameReceived(inc, msg), now()));
        }
    }

    private void send(long inc, WireMsg msg) {
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

    /** Counts a written frame; consecutive ones are reported to the engine in one input. */
    private void flushed(Conn c) {
        c.unreportedFlushes++;
        if (c.flushReportQueued) {
            return;
        }
        c.flushReportQueued = true;
        submit(() -> {
            c.flushReportQueued = false;
            int n = c.unreportedFlushes;
            c.unreportedFlushes = 0;
            if (n == 0 || c.exited) {
                return null;
            }
            return host.step(new Input.FramesFlushed(c.inc, n), now());
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
            handshakeFailed(c, HandshakeGuard.Failure.CLOSED, "ended with " + cause.name().toLowerCase(java.util.Locale.ROOT));
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
        submit(() -> {
            conns.remove(c.inc);
            return host.step(new Input.ConnExited(c.inc, cause), now());
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
        try (LogContext lc = LogContext.peer(settings.id().toString(), epochLabel,
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

    /** The node stopped because continuing would have been unsafe. */
    public static final class NodeFailedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public NodeFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
