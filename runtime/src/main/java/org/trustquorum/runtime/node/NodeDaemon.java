package org.trustquorum.runtime.node;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
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
        NodeVerticle v = new NodeVerticle(settings, durability);
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
     * Runs one node in this process until it is killed (SIGTERM/SIGINT stop it gracefully) or
     * fails. Returns the process exit code: 0 after a clean stop, 1 if the node stopped because
     * continuing was unsafe (e.g. its ledger could not be written), 2 if it could not start.
     */
    public static int runUntilStopped(NodeSettings settings) throws InterruptedException {
        Vertx vertx = Vertx.vertx();
        NodeDaemon daemon;
        try {
            daemon = start(vertx, settings).await(STOP_TIMEOUT_MS * 6, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.error("{}: could not start: {}", settings.id(), e.getMessage());
            closeQuietly(vertx);
            return 2;
        }
        CountDownLatch ended = new CountDownLatch(1);
        AtomicInteger code = new AtomicInteger(0);
        daemon.node().terminated().onComplete(ar -> {
            if (ar.failed()) {
                code.set(1);
            }
            ended.countDown();
        });
        // SIGTERM/SIGINT: stop the node gracefully, then Vert.x. The hook owns the shutdown from
        // then on; the main thread only waits for the node to end.
        AtomicBoolean hookRan = new AtomicBoolean();
        Thread hook = new Thread(() -> {
            hookRan.set(true);
            try {
                daemon.stop().await(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                LOG.warn("{}: graceful stop did not finish: {}", settings.id(), e.toString());
            }
            closeQuietly(vertx);
        }, "tq-node-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        ended.await();
        if (!hookRan.get()) {
            // The node stopped by itself (unsafe to continue): release everything and report it.
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down already; the hook closes Vert.x
                return code.get();
            }
            closeQuietly(vertx);
        }
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
