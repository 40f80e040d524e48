package org.trustquorum.runtime.nemesis;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.trustquorum.core.engine.ApiRequest;
import org.trustquorum.core.engine.ApiResponse;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.runtime.cp.Gateway;

/**
 * Wraps the control plane's gateway and counts the proxy calls it makes through each node, so the
 * nemesis can tell how many proxied requests each node must have completed in a round.
 */
final class ProxyCallCounter implements Gateway {
    private static final long POLL_MS = 20;

    private final Gateway inner;
    private final Map<NodeId, AtomicLong> issued = new ConcurrentHashMap<>();
    private final AtomicInteger pending = new AtomicInteger();

    ProxyCallCounter(Gateway inner) {
        this.inner = inner;
    }

    @Override
    public CompletableFuture<ApiResponse> call(NodeId entry, ApiRequest request) {
        if (!(request instanceof ApiRequest.Proxy)) {
            return inner.call(entry, request);
        }
        issued.computeIfAbsent(entry, k -> new AtomicLong()).incrementAndGet();
        pending.incrementAndGet();
        return inner.call(entry, request).whenComplete((r, e) -> pending.decrementAndGet());
    }

    /** Proxy calls issued through {@code entry} since the last {@link #reset()}. */
    long issued(NodeId entry) {
        AtomicLong n = issued.get(entry);
        return n == null ? 0 : n.get();
    }

    void reset() {
        issued.clear();
    }

    /** Waits until no proxy call of the control plane is outstanding; false if some still are after {@code timeoutMs}. */
    boolean awaitQuiet(long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (pending.get() > 0) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(POLL_MS);
        }
        return true;
    }
}
