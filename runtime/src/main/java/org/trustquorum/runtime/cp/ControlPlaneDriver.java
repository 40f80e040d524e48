package org.trustquorum.runtime.cp;

import org.trustquorum.core.auth.ControlPlaneKey;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.trustquorum.core.controlplane.ControlPlane;
import org.trustquorum.core.controlplane.CpBridge;
import org.trustquorum.core.controlplane.CpCall;
import org.trustquorum.core.controlplane.CpLedger;
import org.trustquorum.core.controlplane.CpReply;
import org.trustquorum.core.controlplane.CpRequest;
import org.trustquorum.core.engine.ApiRequest;
import org.trustquorum.core.model.Configuration;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.RackId;
import org.trustquorum.core.model.Result;
import org.trustquorum.runtime.node.MonotonicClock;

/**
 * Drives the core's {@link ControlPlane} state machine against real nodes. The state machine
 * lives on one thread of this driver; every call it asks for is turned into a node API request
 * by {@link CpBridge} (a proxy request through {@link CpCall#via()} when the target is not
 * directly reachable), sent through a {@link Gateway}, and its answer is fed back on that thread.
 * The thread runs the state machine when something happens (an answer, a reconfiguration) and
 * when its next deadline ({@link ControlPlane#nextDeadlineMs()}) comes, never on a fixed tick.
 */
public final class ControlPlaneDriver implements AutoCloseable {

    private final ControlPlane cp;
    private final Gateway gateway;
    private final Consumer<String> log;
    private final MonotonicClock clock = new MonotonicClock();
    private final ScheduledExecutorService thread;
    // Counted on the driver's thread.
    private final Map<NodeId, Integer> directCalls = new TreeMap<>();
    private final Map<NodeId, Integer> proxiedCalls = new TreeMap<>();
    /** The armed wake-up and the deadline it is for ({@link Long#MAX_VALUE}: none). */
    private ScheduledFuture<?> wakeUp;
    private long wakeUpAtMs = Long.MAX_VALUE;
    /** Completed when the state machine is next idle. */
    private final List<CompletableFuture<Void>> idleWaiters = new ArrayList<>();

    /** Calls made so far: direct ones by target, proxied ones by target. */
    public record Stats(Map<NodeId, Integer> directCalls, Map<NodeId, Integer> proxiedCalls) {
        public Stats {
            directCalls = Map.copyOf(directCalls);
            proxiedCalls = Map.copyOf(proxiedCalls);
        }

        public int directTo(NodeId n) {
            return directCalls.getOrDefault(n, 0);
        }

        public int proxiedTo(NodeId n) {
            return proxiedCalls.getOrDefault(n, 0);
        }
    }

    /**
     * A control plane for a new rack whose initial nodes are directly reachable; {@code key} signs
     * every proposal and commit decision (the nodes trust its public half).
     */
    public ControlPlaneDriver(RackId rackId, List<NodeId> bootstrap, ControlPlaneKey key, Gateway gateway,
            Consumer<String> log) {
        this.cp = new ControlPlane(rackId, bootstrap, key, new SecureRandom());
        this.gateway = gateway;
        this.log = log;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tq-control-plane");
            t.setDaemon(true);
            return t;
        });
        thread.execute(this::tick);
    }

    /** Starts a reconfiguration to {@code members} with threshold {@code k}; returns its epoch or why not. */
    public Result<Epoch, String> reconfigure(List<NodeId> members, int k) {
        return onThread(() -> {
            Result<Epoch, String> r = cp.reconfigure(members, k, clock.nowMs());
            tick();
            return r;
        });
    }

    /** Waits until the reconfiguration in progress is committed at every member. */
    public void awaitIdle(Duration timeout) throws TimeoutException {
        CompletableFuture<Void> idle = onThread(() -> {
            CompletableFuture<Void> f = new CompletableFuture<>();
            if (cp.idle()) {
                f.complete(null);
            } else {
                idleWaiters.add(f);
            }
            return f;
        });
        try {
            idle.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new TimeoutException("reconfiguration still in progress after " + timeout.toMillis() + " ms: "
                    + onThread(() -> String.valueOf(cp.attempt())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TimeoutException("interrupted");
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** The reconfiguration in progress (epoch, coordinator, acks, ...), or null when idle. */
    public CpLedger.Attempt attempt() {
        return onThread(cp::attempt);
    }

    /** The configuration the control plane committed last. */
    public Configuration latestCommitted() {
        return onThread(cp::latestCommitted);
    }

    /** The nodes the control plane now calls directly. */
    public List<NodeId> committedNodes() {
        return onThread(cp::committedNodes);
    }

    public Stats stats() {
        return onThread(() -> new Stats(directCalls, proxiedCalls));
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }

    // ---- on the driver's thread ----

    /** Lets the state machine act now, then arms the wake-up for its next deadline. */
    private void tick() {
        try {
            for (CpCall call : cp.tick(clock.nowMs())) {
                dispatch(call);
            }
            drainLog();
            if (cp.idle()) {
                idleWaiters.forEach(f -> f.complete(null));
                idleWaiters.clear();
            }
        } catch (RuntimeException e) {
            log.accept("control plane tick failed: " + e);
        }
        arm();
    }

    private void arm() {
        long at = cp.nextDeadlineMs();
        if (at == wakeUpAtMs) {
            return;
        }
        if (wakeUp != null) {
            wakeUp.cancel(false);
            wakeUp = null;
        }
        wakeUpAtMs = at;
        if (at != Long.MAX_VALUE) {
            wakeUp = thread.schedule(() -> {
                wakeUp = null;
                wakeUpAtMs = Long.MAX_VALUE;
                tick();
            }, Math.max(0, at - clock.nowMs()), TimeUnit.MILLISECONDS);
        }
    }

    private void dispatch(CpCall call) {
        ApiRequest request = CpBridge.toApi(call);
        NodeId entry = call.proxied() ? call.via() : call.target();
        if (call.proxied()) {
            proxiedCalls.merge(call.target(), 1, Integer::sum);
        } else {
            directCalls.merge(call.target(), 1, Integer::sum);
        }
        boolean chatty = !(call.request() instanceof CpRequest.Status || call.request() instanceof CpRequest.Watch);
        if (chatty) {
            log.accept("  -> " + CpRequest.describe(call.request()) + " to " + call.target()
                    + (call.proxied() ? " (proxied through " + call.via() + ")" : " (direct)"));
        }
        gateway.call(entry, request).whenComplete((response, err) -> thread.execute(() -> {
            CpReply reply;
            if (err != null) {
                Throwable c = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
                reply = new CpReply.Unreachable(String.valueOf(c.getMessage()));
            } else {
                reply = CpBridge.fromApi(response);
            }
            if (chatty || reply instanceof CpReply.Unreachable) {
                log.accept("  <- " + call.target() + ": " + describe(reply));
            }
            cp.onReply(call.callId(), reply, clock.nowMs());
            tick();
        }));
    }

    private void drainLog() {
        for (String line : cp.drainLog()) {
            log.accept("control plane: " + line);
        }
    }

    private static String describe(CpReply r) {
        return switch (r) {
            case CpReply.Reconfigured x -> "reconfiguration " + x.outcome();
            case CpReply.Committed x -> x.status().toString();
            case CpReply.StatusReport x -> "status";
            case CpReply.Watched x -> "status version " + x.version();
            case CpReply.Refused x -> "refused: " + x.error();
            case CpReply.Unreachable x -> "unreachable: " + x.reason();
        };
    }

    private <T> T onThread(Callable<T> c) {
        try {
            return thread.submit(c).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }
}
