package org.trustquorum.runtime.node;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.trustquorum.core.engine.ExitCause;
import org.trustquorum.core.engine.ProxyError;
import org.trustquorum.core.model.Result;
import org.trustquorum.core.msg.ProxyResult;

/**
 * Counters of one node. Written on the node's event loop, readable from any thread (tests, the
 * benchmark). Rendered in the Prometheus text format by the admin API, together with gauges read
 * from the engine at scrape time.
 */
public final class NodeMetrics {
    /** Outcomes of a proxied request, as a metric label. */
    public enum ProxyOutcome {
        OK, INNER, DISCONNECTED, BUSY, TIMEOUT, INVALID_RESPONSE, SHUTDOWN;

        static ProxyOutcome of(Result<ProxyResult, ProxyError> r) {
            return switch (r) {
                case Result.Ok<ProxyResult, ProxyError> ok -> OK;
                case Result.Err<ProxyResult, ProxyError> err -> switch (err.error()) {
                    case ProxyError.Inner i -> INNER;
                    case ProxyError.Disconnected d -> DISCONNECTED;
                    case ProxyError.Busy b -> BUSY;
                    case ProxyError.Timeout t -> TIMEOUT;
                    case ProxyError.InvalidResponse i -> INVALID_RESPONSE;
                    case ProxyError.Shutdown s -> SHUTDOWN;
                };
            };
        }
    }

    public final AtomicLong steps = new AtomicLong();
    public final AtomicLong framesReceived = new AtomicLong();
    public final AtomicLong framesSent = new AtomicLong();
    /** Frames the engine asked for on a connection that had already ended (its exit follows). */
    public final AtomicLong framesDropped = new AtomicLong();
    public final AtomicLong decodeErrors = new AtomicLong();
    public final AtomicLong handlerExceptions = new AtomicLong();
    public final AtomicLong connectionsAccepted = new AtomicLong();
    public final AtomicLong connectionsDialed = new AtomicLong();
    public final AtomicLong connectionsEstablished = new AtomicLong();
    public final AtomicLong handshakeFailures = new AtomicLong();
    public final AtomicLong ledgerWrites = new AtomicLong();
    public final AtomicLong ledgerWriteFailures = new AtomicLong();
    public final AtomicLong ledgerWriteMicros = new AtomicLong();
    public final AtomicLong adminRequests = new AtomicLong();
    public final AtomicLong alarms = new AtomicLong();
    private final Map<ExitCause, AtomicLong> exits = new EnumMap<>(ExitCause.class);
    private final Map<ProxyOutcome, AtomicLong> proxyCompleted = new EnumMap<>(ProxyOutcome.class);
    private final Map<HandshakeGuard.Failure, AtomicLong> handshakeFailuresByCause = new EnumMap<>(HandshakeGuard.Failure.class);

    public NodeMetrics() {
        for (ExitCause c : ExitCause.values()) {
            exits.put(c, new AtomicLong());
        }
        for (ProxyOutcome o : ProxyOutcome.values()) {
            proxyCompleted.put(o, new AtomicLong());
        }
        for (HandshakeGuard.Failure f : HandshakeGuard.Failure.values()) {
            handshakeFailuresByCause.put(f, new AtomicLong());
        }
    }

    /** Counts a failed handshake: in the total and under its cause. */
    void handshakeFailed(HandshakeGuard.Failure cause) {
        handshakeFailures.incrementAndGet();
        handshakeFailuresByCause.get(cause).incrementAndGet();
    }

    public long handshakeFailures(HandshakeGuard.Failure cause) {
        return handshakeFailuresByCause.get(cause).get();
    }

    void exited(ExitCause cause) {
        exits.get(cause).incrementAndGet();
    }

    public long exits(ExitCause cause) {
        return exits.get(cause).get();
    }

    void proxyCompleted(Result<ProxyResult, ProxyError> r) {
        proxyCompleted.get(ProxyOutcome.of(r)).incrementAndGet();
    }

    public long proxyCompleted(ProxyOutcome o) {
        return proxyCompleted.get(o).get();
    }

    /** Values read from the engine when the metrics are rendered. */
    public record Gauges(int connectedPeers, int liveConnections, int proxyInFlight, int queuedInputs,
            long ledgerGeneration) {}

    /** The Prometheus text exposition of every metric. */
    public String render(String node, Gauges g) {
        StringBuilder b = new StringBuilder(4096);
        String label = "node=\"" + escape(node) + "\"";
        counter(b, "tq_engine_steps_total", "Inputs the engine handled.", label, steps.get());
        counter(b, "tq_frames_received_total", "Frames decoded from peers.", label, framesReceived.get());
        counter(b, "tq_frames_sent_total", "Frames written to peers.", label, framesSent.get());
        counter(b, "tq_frames_dropped_total", "Frames asked for on a connection that had already ended.", label,
                framesDropped.get());
        counter(b, "tq_decode_errors_total", "Connections closed for an undecodable or oversized frame.", label,
                decodeErrors.get());
        counter(b, "tq_handler_exceptions_total", "Connection handlers that threw (the connection was closed).", label,
                handlerExceptions.get());
        counter(b, "tq_connections_accepted_total", "Inbound connections accepted.", label, connectionsAccepted.get());
        counter(b, "tq_connections_dialed_total", "Outbound connections attempted.", label, connectionsDialed.get());
        counter(b, "tq_connections_established_total", "Connections whose TLS handshake completed.", label,
                connectionsEstablished.get());
        counter(b, "tq_handshake_failures_total", "TLS handshakes refused or failed.", label, handshakeFailures.get());
        header(b, "tq_handshake_failures_by_cause_total", "counter", "TLS handshakes refused or failed, by cause.");
        for (Map.Entry<HandshakeGuard.Failure, AtomicLong> e : handshakeFailuresByCause.entrySet()) {
            line(b, "tq_handshake_failures_by_cause_total", label + ",cause=\""
                    + e.getKey().name().toLowerCase(java.util.Locale.ROOT) + "\"", e.getValue().get());
        }
        header(b, "tq_connection_exits_total", "counter", "Connection exits by cause.");
        for (Map.Entry<ExitCause, AtomicLong> e : exits.entrySet()) {
            line(b, "tq_connection_exits_total", label + ",cause=\"" + e.getKey().name().toLowerCase(java.util.Locale.ROOT)
                    + "\"", e.getValue().get());
        }
        gauge(b, "tq_connected_peers", "Peers with an established connection.", label, g.connectedPeers());
        gauge(b, "tq_connections", "Live connection incarnations (any state).", label, g.liveConnections());
        gauge(b, "tq_proxy_requests_in_flight", "Proxied requests waiting for an answer.", label, g.proxyInFlight());
        header(b, "tq_proxy_requests_completed_total", "counter", "Proxied requests completed, by outcome.");
        for (Map.Entry<ProxyOutcome, AtomicLong> e : proxyCompleted.entrySet()) {
            line(b, "tq_proxy_requests_completed_total", label + ",outcome=\""
                    + e.getKey().name().toLowerCase(java.util.Locale.ROOT) + "\"", e.getValue().get());
        }
        counter(b, "tq_ledger_writes_total", "Ledger writes made durable.", label, ledgerWrites.get());
        counter(b, "tq_ledger_write_failures_total", "Ledger writes that failed (the node stops).", label,
                ledgerWriteFailures.get());
        counter(b, "tq_ledger_write_seconds_total", "Time spent in ledger writes.", label, ledgerWriteMicros.get() / 1e6);
        gauge(b, "tq_ledger_generation", "Generation of the last durable ledger write.", label, g.ledgerGeneration());
        gauge(b, "tq_input_queue", "Inputs waiting behind a ledger write.", label, g.queuedInputs());
        counter(b, "tq_alarms_total", "Alarms the node raised.", label, alarms.get());
        counter(b, "tq_admin_requests_total", "Admin API requests received.", label, adminRequests.get());
        return b.toString();
    }

    private static void counter(StringBuilder b, String name, String help, String labels, double value) {
        header(b, name, "counter", help);
        line(b, name, labels, value);
    }

    private static void gauge(StringBuilder b, String name, String help, String labels, double value) {
        header(b, name, "gauge", help);
        line(b, name, labels, value);
    }

    private static void header(StringBuilder b, String name, String type, String help) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n');
        b.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void line(StringBuilder b, String name, String labels, double value) {
        b.append(name).append('{').append(labels).append("} ");
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            b.append((long) value);
        } else {
            b.append(value);
        }
        b.append('\n');
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
