package org.trustquorum.runtime.node;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;
import org.trustquorum.core.protocol.ReconfigureOutcome;
import org.trustquorum.core.engine.ExitCause;
import org.trustquorum.core.engine.ProxyError;
import org.trustquorum.core.model.Result;
import org.trustquorum.core.msg.ProxyResult;

/**
 * The figures of one node, registered with a Micrometer {@link MeterRegistry} (the Prometheus
 * registry renders them; the registry's {@code node} tag names the node). Counters are written on
 * the node's event loop and readable from any thread; the engine's gauges are a snapshot the node
 * takes on its own thread just before each scrape ({@link #snapshot}).
 */
public final class NodeMetrics {
    /** Slowest ledger write the latency histogram distinguishes; slower ones land in +Inf. */
    private static final Duration LEDGER_WRITE_MAX_EXPECTED = Duration.ofSeconds(10);
    /** Fastest ledger write the latency histogram distinguishes. */
    private static final Duration LEDGER_WRITE_MIN_EXPECTED = Duration.ofNanos(100_000);

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

    /** What became of a reconfigure request this node was asked to coordinate, as a metric label. */
    public enum ReconfigurationOutcome { STARTED, ALREADY_STARTED, REFUSED }

    public final AtomicLong steps = new AtomicLong();
    public final AtomicLong framesReceived = new AtomicLong();
    public final AtomicLong framesSent = new AtomicLong();
    /** Frames the engine asked for on a connection that had already ended (its exit follows). */
    public final AtomicLong framesDropped = new AtomicLong();
    public final AtomicLong decodeErrors = new AtomicLong();
    /** Connections refused because the peer speaks another wire format version. */
    public final AtomicLong wireVersionMismatches = new AtomicLong();
    public final AtomicLong handlerExceptions = new AtomicLong();
    public final AtomicLong connectionsAccepted = new AtomicLong();
    public final AtomicLong connectionsDialed = new AtomicLong();
    public final AtomicLong connectionsEstablished = new AtomicLong();
    public final AtomicLong handshakeFailures = new AtomicLong();
    public final AtomicLong ledgerWrites = new AtomicLong();
    public final AtomicLong ledgerWriteFailures = new AtomicLong();
    public final AtomicLong adminRequests = new AtomicLong();
    public final AtomicLong alarms = new AtomicLong();
    private final Map<ExitCause, AtomicLong> exits = new EnumMap<>(ExitCause.class);
    private final Map<ProxyOutcome, AtomicLong> proxyCompleted = new EnumMap<>(ProxyOutcome.class);
    private final Map<HandshakeGuard.Failure, AtomicLong> handshakeFailuresByCause = new EnumMap<>(HandshakeGuard.Failure.class);
    private final Map<ReconfigurationOutcome, AtomicLong> reconfigurations = new EnumMap<>(ReconfigurationOutcome.class);
    private final AtomicReference<Gauges> gauges = new AtomicReference<>(new Gauges(0, 0, 0, 0, 0));
    private final PrometheusMeterRegistry registry;
    private final Timer ledgerWriteTimer;

    /** Values read from the engine on the node's thread, just before a scrape. */
    public record Gauges(int connectedPeers, int liveConnections, int proxyInFlight, int queuedInputs,
            long ledgerGeneration) {}

    /** Figures in a registry of their own (tests, benchmarks: several nodes in one process). */
    public NodeMetrics(String node) {
        this(newRegistry(node));
    }

    /** Figures in {@code registry}, which a {@code tq node} process shares with its JVM and Vert.x figures. */
    public NodeMetrics(PrometheusMeterRegistry registry) {
        this.registry = registry;
        counter("tq.engine.steps", "Inputs the engine handled.", steps);
        counter("tq.frames.received", "Frames decoded from peers.", framesReceived);
        counter("tq.frames.sent", "Frames written to peers.", framesSent);
        counter("tq.frames.dropped", "Frames asked for on a connection that had already ended.", framesDropped);
        counter("tq.decode.errors", "Frames refused (undecodable or oversized); each closed its connection.", decodeErrors);
        counter("tq.wire.version.mismatches", "Connections refused because the peer speaks another wire format version.",
                wireVersionMismatches);
        counter("tq.handler.exceptions", "Connection handlers that threw (the connection was closed).", handlerExceptions);
        counter("tq.connections.accepted", "Inbound connections accepted.", connectionsAccepted);
        counter("tq.connections.dialed", "Outbound connections attempted.", connectionsDialed);
        counter("tq.connections.established", "Connections whose TLS handshake completed.", connectionsEstablished);
        counter("tq.handshake.failures", "TLS handshakes refused or failed.", handshakeFailures);
        counter("tq.ledger.writes", "Ledger writes made durable.", ledgerWrites);
        counter("tq.ledger.write.failures", "Ledger writes that failed (the node stops).", ledgerWriteFailures);
        counter("tq.alarms", "Alarms the node raised.", alarms);
        counter("tq.admin.requests", "Admin API requests received.", adminRequests);
        for (ExitCause c : ExitCause.values()) {
            AtomicLong n = new AtomicLong();
            exits.put(c, n);
            FunctionCounter.builder("tq.connection.exits", n, AtomicLong::get).description("Connection exits by cause.")
                    .tag("cause", label(c)).register(registry);
        }
        for (ProxyOutcome o : ProxyOutcome.values()) {
            AtomicLong n = new AtomicLong();
            proxyCompleted.put(o, n);
            FunctionCounter.builder("tq.proxy.requests.completed", n, AtomicLong::get)
                    .description("Proxied requests completed, by outcome.").tag("outcome", label(o)).register(registry);
        }
        for (HandshakeGuard.Failure f : HandshakeGuard.Failure.values()) {
            AtomicLong n = new AtomicLong();
            handshakeFailuresByCause.put(f, n);
            FunctionCounter.builder("tq.handshake.failures.by.cause", n, AtomicLong::get)
                    .description("TLS handshakes refused or failed, by cause.").tag("cause", label(f)).register(registry);
        }
        for (ReconfigurationOutcome o : ReconfigurationOutcome.values()) {
            AtomicLong n = new AtomicLong();
            reconfigurations.put(o, n);
            FunctionCounter.builder("tq.reconfigurations", n, AtomicLong::get)
                    .description("Reconfigure requests this node was asked to coordinate, by outcome.").tag("outcome", label(o))
                    .register(registry);
        }
        gauge("tq.connected.peers", "Peers with an established connection.", Gauges::connectedPeers);
        gauge("tq.connections", "Live connection incarnations (any state).", Gauges::liveConnections);
        gauge("tq.proxy.requests.in.flight", "Proxied requests waiting for an answer (the request tracker's size).",
                Gauges::proxyInFlight);
        gauge("tq.input.queue", "Inputs waiting behind a ledger write.", Gauges::queuedInputs);
        gauge("tq.ledger.generation", "Generation of the last durable ledger write.", Gauges::ledgerGeneration);
        ledgerWriteTimer = Timer.builder("tq.ledger.write").description("Time to make one ledger write durable (every copy).")
                .publishPercentileHistogram().minimumExpectedValue(LEDGER_WRITE_MIN_EXPECTED)
                .maximumExpectedValue(LEDGER_WRITE_MAX_EXPECTED).register(registry);
    }

    /** A Prometheus registry whose every series carries {@code node="<id>"}. */
    public static PrometheusMeterRegistry newRegistry(String node) {
        PrometheusMeterRegistry r = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        r.config().commonTags("node", node);
        return r;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Records the engine's gauges; call on the node's thread before {@link #scrape}. */
    void snapshot(Gauges g) {
        gauges.set(g);
    }

    /** The Prometheus text exposition of every meter in the registry. */
    public String scrape() {
        return registry.scrape();
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

    void reconfigured(Result<ReconfigureOutcome, ?> r) {
        ReconfigurationOutcome o = switch (r) {
            case Result.Ok<ReconfigureOutcome, ?> ok -> switch (ok.value()) {
                case STARTED -> ReconfigurationOutcome.STARTED;
                case ALREADY_STARTED -> ReconfigurationOutcome.ALREADY_STARTED;
            };
            case Result.Err<ReconfigureOutcome, ?> err -> ReconfigurationOutcome.REFUSED;
        };
        reconfigurations.get(o).incrementAndGet();
    }

    public long reconfigurations(ReconfigurationOutcome o) {
        return reconfigurations.get(o).get();
    }

    void ledgerWritten(long nanos) {
        ledgerWrites.incrementAndGet();
        ledgerWriteTimer.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Total time spent in durable ledger writes. */
    public double ledgerWriteSeconds() {
        return ledgerWriteTimer.totalTime(TimeUnit.SECONDS);
    }

    private void counter(String name, String help, AtomicLong value) {
        FunctionCounter.builder(name, value, AtomicLong::get).description(help).register(registry);
    }

    private void gauge(String name, String help, ToDoubleFunction<Gauges> read) {
        Gauge.builder(name, gauges, ref -> read.applyAsDouble(ref.get())).description(help).register(registry);
    }

    private static String label(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
