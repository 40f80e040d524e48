package org.trustquorum.runtime.node;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trustquorum.core.model.PersistentState;

/**
 * A node's durable ledger, loaded and written on the node's own worker thread so that the event
 * loop never waits for the disk. It numbers the generations and keeps the latest committed epoch
 * for the logging context. The driver loop starts at most one write at a time and waits for its
 * {@link Completion} before it releases the step that needed it (persist before send).
 *
 * <p>Not thread-safe except {@link #epochLabel}: called on the node's event-loop context, whose
 * completion handlers also run there.
 */
// "try": a LogContext is opened for its effect on the MDC around a block, never referenced in it.
@SuppressWarnings("try")
final class LedgerWorker {
    // The node's logger, not this class's: operators' log configuration and the documented log
    // lines name NodeVerticle, and this was its code.
    private static final Logger LOG = LoggerFactory.getLogger(NodeVerticle.class);

    /** Threads writing this node's ledger: one, so writes happen one at a time, in order. */
    private static final int LEDGER_WORKER_THREADS = 1;
    /** How long a ledger write may block the worker before Vert.x warns about it. */
    private static final long LEDGER_WRITE_WARN_MS = 10_000;
    /** The load and every write run one after another, in the order they were started. */
    private static final boolean ORDERED = true;

    /** How a write ended; called on the event-loop context. */
    interface Completion {
        /** The state is durable as the next generation. */
        void written();

        /** The write of {@code generation} failed; nothing that needed it may be released. */
        void failed(long generation, Throwable cause);
    }

    private final NodeSettings settings;
    private final Durability durability;
    private final NodeMetrics metrics;
    private final WorkerExecutor worker;
    /** The generation last loaded or written. */
    private long generation;
    /** The latest committed epoch, for the logging context; read on the worker too. */
    private volatile String epochLabel = "0";

    LedgerWorker(Vertx vertx, NodeSettings settings, Durability durability, NodeMetrics metrics) {
        this.settings = settings;
        this.durability = durability;
        this.metrics = metrics;
        this.worker = vertx.createSharedWorkerExecutor("tq-ledger-" + settings.id(), LEDGER_WORKER_THREADS,
                LEDGER_WRITE_WARN_MS, TimeUnit.MILLISECONDS);
    }

    /** Loads the ledger, settling the trusted control-plane key, and returns the state to start from. */
    Future<PersistentState> load() {
        return worker.executeBlocking(() -> {
            try (LogContext lc = logContext()) {
                return ControlPlaneTrust.loadAndTrust(settings.id(), durability, settings.controlPlaneKey());
            }
        }, ORDERED).map(snapshot -> {
            generation = snapshot.generation();
            epochLabel = snapshot.state().latestCommittedEpoch().toString();
            try (LogContext lc = logContext()) {
                LOG.info("{}: loaded ledger generation {} ({} configs, {} commits)", settings.id(), snapshot.generation(),
                        snapshot.state().configs().size(), snapshot.state().commits().size());
            }
            return snapshot.state();
        });
    }

    /** Writes {@code state} as the next generation; {@code done} hears how it ended. One write at a time. */
    void write(PersistentState state, Completion done) {
        long gen = generation + 1;
        long startNanos = System.nanoTime();
        worker.<Void>executeBlocking(() -> {
            try (LogContext lc = logContext()) {
                durability.write(gen, state);
            }
            return null;
        }, ORDERED).onComplete(ar -> {
            if (ar.failed()) {
                metrics.ledgerWriteFailures.incrementAndGet();
                done.failed(gen, ar.cause());
                return;
            }
            generation = gen;
            epochLabel = state.latestCommittedEpoch().toString();
            metrics.ledgerWritten(System.nanoTime() - startNanos);
            done.written();
        });
    }

    /** The generation last loaded or written. */
    long generation() {
        return generation;
    }

    /** The latest committed epoch as of the last load or write; safe from any thread. */
    String epochLabel() {
        return epochLabel;
    }

    Future<Void> close() {
        return worker.close();
    }

    private LogContext logContext() {
        return LogContext.node(settings.id().toString(), epochLabel);
    }
}
