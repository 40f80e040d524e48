package org.trustquorum.runtime.node;

import org.trustquorum.core.auth.ConfigAuthority;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trustquorum.core.api.NodeError;
import org.trustquorum.core.crypto.RackSecret;
import org.trustquorum.core.engine.ApiRequest;
import org.trustquorum.core.engine.ApiResponse;
import org.trustquorum.core.engine.EngineHost;
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

/**
 * One node: its {@link NodeEngine} on this verticle's event-loop context, driven by real sockets,
 * timers and a durable ledger. Every engine call happens on that context, so there are no locks;
 * public methods that may be called from elsewhere hop onto it.
 *
 * <p><b>The driver loop.</b> Every input (socket event, timer, API call) becomes an action in one
 * FIFO queue. An action steps the engine through its {@link EngineHost}, which keeps the driver
 * contract; this class supplies the I/O ({@link HostIo}). If the step changed persistent state, the
 * state is written to the ledger on this node's single ledger worker ({@link LedgerWorker}) and the
 * queue stops until the write completes - only then does the host release the step's outputs, in
 * order (persist before send). A failed write stops the node: it never acts on state that is not
 * durable. While the queue is long (a slow disk), reading from peers pauses.
 *
 * <p><b>Connections.</b> {@link PeerSockets} accepts and dials the peers' mutual-TLS sockets, turns
 * their events into inputs it submits to the loop, and performs the connection outputs; every
 * socket reports exactly one {@link Input.ConnExited}.
 *
 * <p>This class keeps the life cycle, the public API, the driver loop and the wiring between them.
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
    /** The shortest Vert.x timer delay (a delay of 0 ms is refused). */
    private static final long MIN_TIMER_DELAY_MS = 1;
    /** {@link HostIo#deadline} with this instant: the engine wants no timer. */
    private static final long NO_DEADLINE = Long.MAX_VALUE;
    /** {@link #timerId} when no timer is set. */
    private static final long NO_TIMER = -1;
    /** Peer ids remembered as holders of a rack certificate (for vetting reconfigurations); more are not added. */
    public static final int MAX_CERTIFIED_PEERS_REMEMBERED = 1_024;

    private final NodeSettings settings;
    private final Durability durability;
    private final NodeMetrics metrics;
    private final Promise<Void> terminated = Promise.promise();

    // ---- event-loop state: touched only on this verticle's context ----
    private final MonotonicClock clock = new MonotonicClock();
    private final Map<Long, Promise<ApiResponse>> pendingReplies = new HashMap<>();
    private final ArrayDeque<Supplier<EngineHost.Outcome>> queue = new ArrayDeque<>();
    private NodeEngine engine;
    private EngineHost host;
    private PeerSockets sockets;
    private LedgerWorker ledger;
    private AdminServer admin;
    private long nextReplyId = 1;
    private boolean pumping;
    private boolean persisting;
    /** The pending ledger write completed: the host releases its step when the loop runs next. */
    private boolean persistDone;
    /** The engine made the step being handled (so a failure from here on is the driver's or the contract's). */
    private boolean stepSeen;
    private boolean stopped;
    private long timerId = NO_TIMER;
    private volatile PeerAddress selfAddress;
    private volatile int adminPort = -1;

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
        sockets = new PeerSockets(vertx, settings, metrics, clock, new SocketDriver());
        ledger = new LedgerWorker(vertx, settings, durability, metrics);
        return ledger.load().compose(state -> sockets.listen().map(v -> state)).compose(state -> {
            selfAddress = new PeerAddress(settings.advertisedHost(), sockets.listeningPort());
            org.trustquorum.core.Mutation mutation = TestMutation.fromSystemProperty();
            if (mutation != org.trustquorum.core.Mutation.NONE) {
                LOG.warn("{}: TEST ONLY: started with the guard of '{}' turned off: {}", settings.id(), mutation.cliName(),
                        mutation.description());
            }
            engine = new NodeEngine(settings.id(), selfAddress, state, settings.limits(), new SecureRandom(),
                    ConfigAuthority.of(state.controlPlaneKey()), mutation);
            host = new EngineHost(engine, new HostIo());
            sockets.openClient();
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
        if (sockets != null) {
            sockets.closeSockets();
        }
        List<Future<?>> closing = new ArrayList<>();
        if (admin != null) {
            closing.add(admin.close());
        }
        if (sockets != null) {
            closing.addAll(sockets.closeEndpoints());
        }
        if (ledger != null) {
            closing.add(ledger.close());
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
                queue.size(), ledger.generation());
    }

    /** The Prometheus text of this node's registry, with the engine's gauges read on this node's thread. */
    public Future<String> scrape() {
        return inspect(e -> {
            metrics.snapshot(gauges());
            return metrics.scrape();
        });
    }

    private LogContext logContext() {
        return LogContext.node(settings.id().toString(), ledger.epochLabel());
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
                return inspect(e -> new NodeView(e.status(), e.state().configs(), sockets.certifiedPeers()));
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
        if (queue.size() >= INPUT_QUEUE_PAUSE_AT_INPUTS && !sockets.readingPaused()) {
            sockets.pauseReading(queue.size());
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
            if (sockets.readingPaused() && queue.size() <= INPUT_QUEUE_RESUME_AT_INPUTS) {
                sockets.resumeReading();
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
            if (atMs == NO_DEADLINE) {
                return;
            }
            timerId = vertx.setTimer(Math.max(MIN_TIMER_DELAY_MS, atMs - now()), id -> {
                if (id != timerId) {
                    return; // an earlier timer that fired as it was being replaced
                }
                timerId = NO_TIMER;
                submit(() -> host.step(new Input.TimerFired(), now()));
            });
        }
    }

    /** Writes a step's state; the loop stays stopped until the write ends (persist before release). */
    private void startPersist(PersistentState state) {
        persisting = true;
        ledger.write(state, new LedgerWorker.Completion() {
            @Override
            public void written() {
                persisting = false;
                persistDone = true;
                pump();
            }

            @Override
            public void failed(long generation, Throwable cause) {
                persisting = false;
                host.persistFailed();
                fatal("ledger write of generation " + generation + " failed: " + cause.getMessage(), cause);
            }
        });
    }

    private void perform(Output o) {
        switch (o) {
            case Output.Dial d -> sockets.dial(d.incarnation(), d.address());
            case Output.Accepted a -> sockets.accepted(a.incarnation());
            case Output.SendFrame s -> sockets.send(s.incarnation(), s.msg());
            case Output.CloseConn c -> sockets.close(c.incarnation(), c.cause());
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
        if (timerId != NO_TIMER) {
            vertx.cancelTimer(timerId);
            timerId = NO_TIMER;
        }
    }

    /** The sockets' way into the driver loop. */
    private final class SocketDriver implements PeerSockets.Driver {
        @Override
        public void submit(Supplier<EngineHost.Outcome> action) {
            NodeVerticle.this.submit(action);
        }

        @Override
        public EngineHost.Outcome step(Input input) {
            return host.step(input, now());
        }

        @Override
        public boolean stopped() {
            return stopped;
        }

        @Override
        public String epochLabel() {
            return ledger.epochLabel();
        }
    }

    /** The node stopped because continuing would have been unsafe. */
    public static final class NodeFailedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public NodeFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}