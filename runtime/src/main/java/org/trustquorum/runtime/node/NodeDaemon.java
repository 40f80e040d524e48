package org.trustquorum.runtime.node;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trustquorum.runtime.ledger.Ledger;

/**
 * Deploys and undeploys one {@link NodeVerticle}. Several daemons can share one {@link Vertx}
 * (tests, the benchmark); {@link #runUntilStopped} is the process entry of {@code tq node}.
 */
public final class NodeDaemon {
    private static final Logger LOG = LoggerFactory.getLogger(NodeDaemon.class);

    /** How long a graceful stop may take when the process is asked to exit. */
    public static final long STOP_TIMEOUT_MS = 10_000;

    private final Vertx vertx;
    private final NodeVerticle verticle;
    private final String deploymentId;

    private NodeDaemon(Vertx vertx, NodeVerticle verticle, String deploymentId) {
        this.vertx = vertx;
        this.verticle = verticle;
        this.deploymentId = deploymentId;
    }

    /** Starts a node; completes once it listens (peers and admin API). */
    public static Future<NodeDaemon> start(Vertx vertx, NodeSettings settings, Durability durability) {
        return start(vertx, settings, durability, NodeMetrics.newRegistry(settings.id().toString()));
    }

    /** Starts a node whose figures go to {@code registry}. */
    public static Future<NodeDaemon> start(Vertx vertx, NodeSettings settings, Durability durability,
            PrometheusMeterRegistry registry) {
        NodeVerticle v = new NodeVerticle(settings, durability, registry);
        return vertx.deployVerticle(v).map(id -> new NodeDaemon(vertx, v, id));
    }

    /** Starts a node whose state lives in a {@link Ledger} at the settings' paths. */
    public static Future<NodeDaemon> start(Vertx vertx, NodeSettings settings) {
        return start(vertx, settings, Durability.of(new Ledger(settings.ledgerPaths())));
    }

    public NodeVerticle node() {
        return verticle;
    }

    /** Shuts the node down gracefully (in-flight proxy calls fail with Shutdown, connections close). */
    public Future<Void> stop() {
        return vertx.undeploy(deploymentId);
    }

    /**
     * Runs one node in this process until SIGTERM or SIGINT (a graceful stop) or until it fails.
     * Returns the process exit code: 0 after a clean stop, 1 if the node stopped because continuing
     * was unsafe (e.g. its ledger could not be written) or a requested stop did not complete, 2 if
     * it could not start.
     *
     * @param metricsAt the metrics listener, or null for none
     */
    public static int runUntilStopped(NodeSettings settings, MetricsServer.Endpoint metricsAt) throws InterruptedException {
        // One node per process: its id stays in the main thread's logging context for good.
        LogContext.node(settings.id().toString(), null);
        PrometheusMeterRegistry registry = NodeMetrics.newRegistry(settings.id().toString());
        Vertx vertx = ProcessMetrics.vertx(registry);
        CountDownLatch ended = new CountDownLatch(1);
        AtomicReference<String> stopSignal = new AtomicReference<>();
        // Installed before the start so that a signal during start-up also stops the node cleanly.
        StopSignals.install(signal -> {
            stopSignal.compareAndSet(null, signal);
            ended.countDown();
        });
        NodeDaemon daemon;
        MetricsServer metrics = null;
        try {
            daemon = start(vertx, settings, Durability.of(new Ledger(settings.ledgerPaths())), registry)
                    .await(STOP_TIMEOUT_MS * 6, TimeUnit.MILLISECONDS);
            if (metricsAt != null) {
                metrics = MetricsServer.start(vertx, metricsAt, daemon.node()::scrape).await(STOP_TIMEOUT_MS,
                        TimeUnit.MILLISECONDS);
            }
        } catch (Exception e) {
            LOG.error("{}: could not start: {}", settings.id(), e.getMessage());
            closeQuietly(vertx);
            return 2;
        }
        AtomicInteger code = new AtomicInteger(0);
        daemon.node().terminated().onComplete(ar -> {
            if (ar.failed()) {
                code.set(1);
            }
            ended.countDown();
        });
        ended.await();
        if (stopSignal.get() != null) {
            LOG.info("{}: {} received; stopping gracefully", settings.id(), stopSignal.get());
            try {
                daemon.stop().await(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                LOG.error("{}: graceful stop did not finish: {}", settings.id(), e.toString());
                code.set(1);
            }
        }
        if (metrics != null) {
            metrics.close();
        }
        closeQuietly(vertx);
        return code.get();
    }

    private static void closeQuietly(Vertx vertx) {
        try {
            vertx.close().await(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warn("closing Vert.x: {}", e.toString());
        }
    }
}
