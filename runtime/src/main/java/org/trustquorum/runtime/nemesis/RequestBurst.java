package org.trustquorum.runtime.nemesis;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.trustquorum.core.engine.ApiRequest;
import org.trustquorum.core.engine.ApiResponse;
import org.trustquorum.core.engine.ProxyError;
import org.trustquorum.core.model.Configuration;
import org.trustquorum.core.model.CpSignature;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.Result;
import org.trustquorum.core.msg.ProxyOp;
import org.trustquorum.runtime.admin.AdminClient;

/**
 * A burst of proxied requests (status, commit and prepare-and-commit of the latest committed
 * configuration) sent through one node's admin API to the other nodes while the links are being
 * cut. Every request is recorded with how it completed; a request that completes twice, or with
 * an outcome outside the documented ones, is a problem, and so is one that never completes.
 */
public final class RequestBurst {
    /** Admin calls of the burst in flight at once. */
    public static final int MAX_IN_FLIGHT = 16;
    /** How long the burst waits for a free slot before it gives up issuing a request (counted as skipped). */
    public static final long SLOT_WAIT_MS = 2_000;

    /** How a proxied request ended. */
    public enum Outcome {
        VALUE, REMOTE_ERROR, DISCONNECTED, BUSY, TIMEOUT, INVALID_RESPONSE, SHUTDOWN, ADMIN_UNREACHABLE;

        /** The outcomes the proxy documents for a request whose links are being cut. */
        boolean documented() {
            return switch (this) {
                case VALUE, REMOTE_ERROR, DISCONNECTED, BUSY, TIMEOUT -> true;
                case INVALID_RESPONSE, SHUTDOWN, ADMIN_UNREACHABLE -> false;
            };
        }
    }

    private record Request(int index, NodeId destination, ProxyOp op, CompletableFuture<ApiResponse> future,
            AtomicInteger completions) {}

    private final AdminClient proxyNode;
    private final List<NodeId> destinations;
    private final Configuration latest;
    private final CpSignature latestCommit;
    private final SplittableRandom random;
    private final List<Request> requests = new ArrayList<>();
    private final Map<Outcome, Integer> outcomes = new EnumMap<>(Outcome.class);
    private final List<String> problems = new ArrayList<>();
    private final Semaphore slots = new Semaphore(MAX_IN_FLIGHT);
    private int skipped;
    private Thread issuer;

    /**
     * @param destinations the nodes requests go to (not the proxy node itself)
     * @param latest       the configuration committed before the round; commits name its epoch
     * @param latestCommit the control plane's signature of that commit (commits carry it)
     */
    public RequestBurst(AdminClient proxyNode, List<NodeId> destinations, Configuration latest, CpSignature latestCommit,
            long seed) {
        this.proxyNode = proxyNode;
        this.destinations = List.copyOf(destinations);
        this.latest = latest;
        this.latestCommit = latestCommit;
        this.random = new SplittableRandom(seed);
    }

    /** Issues {@code count} requests, one every {@code spacingMs}, on a thread of its own. */
    public void start(int count, long spacingMs) {
        issuer = Thread.ofVirtual().name("tq-nemesis-burst").start(() -> issue(count, spacingMs));
    }

    private void issue(int count, long spacingMs) {
        try {
            for (int i = 0; i < count; i++) {
                NodeId dest = destinations.get(random.nextInt(destinations.size()));
                ProxyOp op = switch (random.nextInt(3)) {
                    case 0 -> new ProxyOp.Status();
                    case 1 -> new ProxyOp.Commit(latest.rackId(), latest.epoch(), latestCommit);
                    default -> new ProxyOp.PrepareAndCommit(latest, latestCommit);
                };
                if (!slots.tryAcquire(SLOT_WAIT_MS, TimeUnit.MILLISECONDS)) {
                    synchronized (this) {
                        skipped++;
                    }
                    continue;
                }
                AtomicInteger completions = new AtomicInteger();
                CompletableFuture<ApiResponse> f = proxyNode.call(new ApiRequest.Proxy(dest, op));
                Request r = new Request(i, dest, op, f, completions);
                synchronized (this) {
                    requests.add(r);
                }
                f.whenComplete((resp, err) -> {
                    slots.release();
                    record(r, resp, err);
                });
                Thread.sleep(spacingMs);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized void record(Request r, ApiResponse resp, Throwable err) {
        if (r.completions().incrementAndGet() > 1) {
            problems.add("request " + r.index() + " to " + r.destination() + " completed twice");
            return;
        }
        Outcome o = err != null ? Outcome.ADMIN_UNREACHABLE : classify(resp);
        outcomes.merge(o, 1, Integer::sum);
        if (o != Outcome.ADMIN_UNREACHABLE && !o.documented()) {
            problems.add("request " + r.index() + " (" + r.op().getClass().getSimpleName() + " to " + r.destination()
                    + ") ended with " + describe(resp));
        }
    }

    private static Outcome classify(ApiResponse resp) {
        if (!(resp instanceof ApiResponse.Proxied p)) {
            return Outcome.INVALID_RESPONSE;
        }
        return switch (p.result()) {
            case Result.Ok<?, ProxyError> ok -> Outcome.VALUE;
            case Result.Err<?, ProxyError> err -> switch (err.error()) {
                case ProxyError.Inner i -> Outcome.REMOTE_ERROR;
                case ProxyError.Disconnected d -> Outcome.DISCONNECTED;
                case ProxyError.Busy b -> Outcome.BUSY;
                case ProxyError.Timeout t -> Outcome.TIMEOUT;
                case ProxyError.InvalidResponse i -> Outcome.INVALID_RESPONSE;
                case ProxyError.Shutdown s -> Outcome.SHUTDOWN;
            };
        };
    }

    private static String describe(ApiResponse resp) {
        return resp instanceof ApiResponse.Proxied p ? p.result().toString() : String.valueOf(resp);
    }

    /** Waits until every request was issued. */
    public void awaitIssued(long timeoutMs) throws InterruptedException {
        issuer.join(timeoutMs);
    }

    /** Requests issued so far. */
    public synchronized int issued() {
        return requests.size();
    }

    /**
     * Waits up to {@code timeoutMs} for every issued request to complete; returns a description of
     * each that did not (it hangs).
     */
    public List<String> awaitCompleted(long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        List<Request> all;
        synchronized (this) {
            all = List.copyOf(requests);
        }
        List<String> hung = new ArrayList<>();
        for (Request r : all) {
            long left = deadline - System.nanoTime();
            try {
                r.future().get(Math.max(0, left), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                hung.add("request " + r.index() + " (" + r.op().getClass().getSimpleName() + " to " + r.destination() + ")");
            } catch (java.util.concurrent.ExecutionException | CompletionException e) {
                // recorded as its outcome
            }
        }
        return hung;
    }

    /** Outcomes recorded so far (an unreachable admin API counts as ADMIN_UNREACHABLE). */
    public synchronized Map<Outcome, Integer> outcomes() {
        return new EnumMap<>(outcomes);
    }

    /** Requests that completed twice or with an undocumented outcome. */
    public synchronized List<String> problems() {
        return List.copyOf(problems);
    }

    /** Requests not issued because {@link #MAX_IN_FLIGHT} were still waiting. */
    public synchronized int skipped() {
        return skipped;
    }
}
