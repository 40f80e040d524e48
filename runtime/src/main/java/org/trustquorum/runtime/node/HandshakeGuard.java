package org.trustquorum.runtime.node;

import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trustquorum.runtime.log.RateLimitedLog;

/**
 * The peer port's defence against floods of connections that never finish their TLS handshake,
 * and the one place where every handshake failure is counted and logged.
 *
 * <p><b>Bounds.</b> At most {@link #MAX_PENDING_PER_SOURCE} accepted connections from one source
 * address, and {@link #MAX_PENDING_TOTAL} in all, may be in their handshake at once. A connection
 * over the per-source bound is refused at once (closed before any TLS work). When the total is
 * full, a newcomer from a source with fewer pending handshakes than the busiest source takes the
 * place of that source's oldest pending handshake, which is aborted; otherwise the newcomer is
 * refused. So a flood, from one address or many, holds at most the total, and a genuine peer
 * (from an address that is not flooding) always gets a slot: its handshake on a rack network
 * takes milliseconds, while the flood's slots are only ever taken back from the flood. The total
 * stays below the engine's own bound on pending inbound connections
 * ({@code EngineLimits.MAX_PENDING_INBOUND_CONNECTIONS}), so the engine never refuses one we admitted.
 *
 * <p><b>Accounting.</b> {@link #failed} counts a failure under its cause in {@link NodeMetrics}
 * and logs it through a {@link RateLimitedLog}: every failure appears once, in its own line or in
 * a summary's count. The caller makes sure it reports each connection's failure once.
 *
 * <p>Not thread-safe: used on the node's event loop only.
 */
public final class HandshakeGuard {
    private static final Logger LOG = LoggerFactory.getLogger(HandshakeGuard.class);

    /** Unfinished inbound handshakes allowed from one source address. */
    static final int MAX_PENDING_PER_SOURCE = 8;
    /** Unfinished inbound handshakes allowed in all (below the engine's bound of pending inbound connections). */
    static final int MAX_PENDING_TOTAL = 32;

    /** Why a handshake did not produce a peer. */
    public enum Failure {
        /** Refused on accept: its source already had {@link #MAX_PENDING_PER_SOURCE} handshakes pending. */
        REFUSED_SOURCE_BUSY,
        /** Refused on accept: {@link #MAX_PENDING_TOTAL} handshakes pending and its source was among the busiest. */
        REFUSED_ALL_BUSY,
        /** Aborted to make room for a handshake from a less busy source. */
        EVICTED,
        /** Not finished within the handshake timeout. */
        TIMEOUT,
        /** The TLS layer refused it (no certificate, a certificate from another CA, an expired one, a protocol error). */
        TLS_ERROR,
        /** The handshake completed, but the certificate names no valid node id (or no peer was authenticated). */
        NO_NODE_ID,
        /** The other side closed the connection (or it broke) during the handshake. */
        CLOSED,
        /** The peers share no wire format version (TLS ALPN found no common protocol name). */
        WIRE_VERSION
    }

    /** The outcome of {@link #admit}: refused (with why), or admitted, perhaps in place of {@code evicted}. */
    record Admission(Failure refusal, Object evicted) {
        boolean admitted() {
            return refusal == null;
        }
    }

    private final String nodeId;
    private final NodeMetrics metrics;
    private final RateLimitedLog<Failure> log;
    /** Pending handshakes by source, oldest first. */
    private final Map<String, ArrayDeque<Object>> pendingBySource = new HashMap<>();
    private final Map<Object, String> sourceOf = new HashMap<>();

    HandshakeGuard(String nodeId, NodeMetrics metrics, LongSupplier clockMs, RateLimitedLog.Scheduler scheduler) {
        this.nodeId = nodeId;
        this.metrics = metrics;
        this.log = new RateLimitedLog<>(LOG, Failure.class, "TLS handshake failures at " + nodeId, clockMs, scheduler);
    }

    /** Decides on a connection just accepted from {@code source} (an IP address); {@code key} identifies it. */
    Admission admit(Object key, String source) {
        ArrayDeque<Object> mine = pendingBySource.get(source);
        int minePending = mine == null ? 0 : mine.size();
        if (minePending >= MAX_PENDING_PER_SOURCE) {
            return new Admission(Failure.REFUSED_SOURCE_BUSY, null);
        }
        Object evicted = null;
        if (sourceOf.size() >= MAX_PENDING_TOTAL) {
            ArrayDeque<Object> busiest = null;
            for (ArrayDeque<Object> q : pendingBySource.values()) {
                if (busiest == null || q.size() > busiest.size()) {
                    busiest = q;
                }
            }
            if (busiest == null || busiest.size() <= minePending) {
                return new Admission(Failure.REFUSED_ALL_BUSY, null);
            }
            evicted = busiest.peekFirst();
            finished(evicted);
        }
        pendingBySource.computeIfAbsent(source, s -> new ArrayDeque<>()).addLast(key);
        sourceOf.put(key, source);
        return new Admission(null, evicted);
    }

    /** The handshake of {@code key} is over (whatever the outcome); frees its slot. Idempotent. */
    void finished(Object key) {
        String source = sourceOf.remove(key);
        if (source == null) {
            return;
        }
        ArrayDeque<Object> q = pendingBySource.get(source);
        q.remove(key);
        if (q.isEmpty()) {
            pendingBySource.remove(source);
        }
    }

    /** Handshakes pending now. */
    int pending() {
        return sourceOf.size();
    }

    /** Counts and logs one failed handshake. */
    void failed(Failure cause, String connection, String detail) {
        metrics.handshakeFailed(cause);
        log.warn(cause, "{}: TLS handshake on {} failed ({}): {}", nodeId, connection,
                cause.name().toLowerCase(java.util.Locale.ROOT), detail);
    }

    /** Writes the summary of failures not yet logged one by one (at shutdown). */
    void flush() {
        log.flush();
    }

    /** The cause of a handshake that failed with {@code error}. */
    static Failure classify(Throwable error) {
        if (org.trustquorum.runtime.wire.WireVersion.isAlpnRefusal(error)) {
            return Failure.WIRE_VERSION;
        }
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SslHandshakeTimeoutException) {
                return Failure.TIMEOUT;
            }
            if (t instanceof ClosedChannelException) {
                return Failure.CLOSED;
            }
        }
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SSLException) {
                return Failure.TLS_ERROR;
            }
        }
        return Failure.CLOSED;
    }

    /** True if a failed dial failed in its TLS handshake (not in connecting). */
    static boolean isHandshakeError(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SSLException || t instanceof SslHandshakeTimeoutException) {
                return true;
            }
        }
        return false;
    }
}
