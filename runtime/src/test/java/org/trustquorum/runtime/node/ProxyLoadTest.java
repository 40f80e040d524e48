package org.trustquorum.runtime.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.trustquorum.core.engine.ApiRequest;
import org.trustquorum.core.engine.ApiResponse;
import org.trustquorum.core.engine.EngineLimits;
import org.trustquorum.core.engine.PeerAddress;
import org.trustquorum.core.engine.ProxyError;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.Result;
import org.trustquorum.core.msg.ProxyOp;
import org.trustquorum.core.msg.ProxyResult;
import org.trustquorum.runtime.cluster.ProcessCluster;
import org.trustquorum.runtime.tls.Certs;

/**
 * Load on the proxy: many concurrent proxied status requests through node A (in this JVM) to node
 * B (a {@code tq node} process) over real TLS sockets; B is killed with SIGKILL partway, requests
 * go on while it is down, and it is started again. Every request completes exactly once, with a
 * value or one of the errors a caller must expect under load and churn (Disconnected, Busy,
 * Timeout); A's tracker ends empty; A's heap does not grow with the number of requests.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ProxyLoadTest {
    static final int REQUESTS = 12_000;
    static final int WARM_UP_REQUESTS = 500;
    /**
     * Requests in flight at once: the connection's queue capacity, so that now and then a request
     * finds the queue full and is refused Busy (pings share the queue).
     */
    static final int CONCURRENCY = EngineLimits.OUTBOUND_QUEUE_CAPACITY_FRAMES;
    /** B is killed after this many requests were issued (the ones in flight are lost with its connection) ... */
    static final int KILL_DESTINATION_AT = REQUESTS / 2;
    /** ... and the requests issued while it is down find no connection, until it is started again here. */
    static final int RESTART_DESTINATION_AT = KILL_DESTINATION_AT + 1_000;
    private static final String ADMIN_TOKEN = "load-test-token-0123456789";
    static final long PROXY_TIMEOUT_MS = 3_000;
    /** Retained heap growth allowed over the whole run (a leak of one tracker entry per request would be far more). */
    static final long MAX_HEAP_GROWTH_BYTES = 48L * 1024 * 1024;
    private static final int GC_ROUNDS = 3;
    private static final long CONNECT_POLL_MS = 20;
    private static final long GC_PAUSE_MS = 100;

    @TempDir
    Path dir;

    enum Outcome { VALUE, DISCONNECTED, BUSY, TIMEOUT }

    @Test
    void manyProxyRequestsWithTheDestinationKilledPartwayEachCompleteOnceAndLeaveNothingBehind(Vertx vertx)
            throws Exception {
        EngineLimits limits = LocalCluster.TEST_LIMITS.withProxyRequestTimeoutMs(PROXY_TIMEOUT_MS);
        try (LocalCluster c = LocalCluster.startFirst(vertx, dir, 2, 1, limits)) {
            NodeId a = c.id(1);
            NodeId b = c.id(2);
            NodeVerticle nodeA = c.node(a);
            Path config = writeProcessConfig(c, b, nodeA.address());
            Path log = dir.resolve("node-b.log");
            Process[] processB = {ProcessCluster.startNodeProcess(config, log, List.of())};
            try {
                nodeA.setPeers(Set.of(nodeA.address(), new PeerAddress(LocalCluster.LOOPBACK, portOf(config))))
                        .await(LocalCluster.WAIT.toMillis(), TimeUnit.MILLISECONDS);
                awaitConnected(c, a, b, processB[0], log);

                run(nodeA, b, WARM_UP_REQUESTS, Map.of());
                long heapBefore = usedHeapAfterGc();
                long completedBefore = completedAt(nodeA);

                Map<Outcome, Integer> mix = run(nodeA, b, REQUESTS, Map.of(KILL_DESTINATION_AT, () -> {
                    processB[0].destroyForcibly();
                    assertTrue(processB[0].waitFor(LocalCluster.WAIT.toMillis(), TimeUnit.MILLISECONDS), "B died");
                }, RESTART_DESTINATION_AT, () -> {
                    processB[0] = ProcessCluster.startNodeProcess(config, log, List.of());
                    awaitConnected(c, a, b, processB[0], log);
                }));

                long heapAfter = usedHeapAfterGc();
                assertEquals(REQUESTS, mix.values().stream().mapToInt(Integer::intValue).sum());
                assertEquals(REQUESTS, completedAt(nodeA) - completedBefore, "A answered each proxy call exactly once");
                assertTrue(mix.get(Outcome.VALUE) > REQUESTS / 2, "most requests got their answer: " + mix);
                int whileDown = RESTART_DESTINATION_AT - KILL_DESTINATION_AT;
                assertTrue(mix.get(Outcome.DISCONNECTED) >= whileDown
                        && mix.get(Outcome.DISCONNECTED) <= whileDown + CONCURRENCY,
                        "the requests in flight when B died and those issued while it was down failed Disconnected: " + mix);
                assertEquals(0, (int) nodeA.inspect(e -> e.connections().tracker().size()).await(), "tracker empty");
                assertEquals(0.0, Scrape.value(nodeA.scrape().await(), "tq_proxy_requests_in_flight{node=\"" + a + "\"}"),
                        "metrics show nothing in flight");
                assertTrue(heapAfter - heapBefore < MAX_HEAP_GROWTH_BYTES,
                        "heap grew from " + heapBefore + " to " + heapAfter + " bytes");
                System.out.printf("proxy load: %d requests, outcomes %s, used heap %d MiB before, %d MiB after%n", REQUESTS,
                        mix, heapBefore >> 20, heapAfter >> 20);
            } finally {
                processB[0].destroyForcibly();
            }
        }
    }

    /** A config file for B as a {@code tq node} process, with the test cluster's certificates and a free port. */
    private static Path writeProcessConfig(LocalCluster c, NodeId b, PeerAddress a) throws Exception {
        int[] ports = new int[2];
        for (int i = 0; i < ports.length; i++) {
            try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                ports[i] = s.getLocalPort();
            }
        }
        Path nodeDir = c.dir.resolve("process-b");
        java.nio.file.Files.createDirectories(nodeDir);
        Certs.NodeFiles f = c.certs.node(b);
        NodeConfig cfg = new NodeConfig(b.toString(), new NodeConfig.Endpoint(LocalCluster.LOOPBACK, ports[0]), null,
                List.of(new NodeConfig.Endpoint(a.host(), a.port())),
                new NodeConfig.Tls(c.certs.caCertificate().toString(), f.certificate().toString(), f.key().toString()),
                List.of("ledger/a.json", "ledger-copy/b.json"), new NodeConfig.Admin(LocalCluster.LOOPBACK, ports[1], ADMIN_TOKEN),
                c.certs.controlPlanePublicKey().toString(), null);
        Path file = nodeDir.resolve("config.json");
        cfg.write(file);
        return file;
    }

    private static int portOf(Path config) throws Exception {
        return NodeConfig.read(config).listen().port();
    }

    private static void awaitConnected(LocalCluster c, NodeId a, NodeId b, Process processB, Path log) throws Exception {
        long deadline = System.nanoTime() + ProcessCluster.START_TIMEOUT.toNanos();
        while (!c.connected(a, b)) {
            assertTrue(processB.isAlive(), "B exited: " + ProcessCluster.tail(log));
            assertTrue(System.nanoTime() < deadline, "A did not connect to B");
            Thread.sleep(CONNECT_POLL_MS);
        }
    }

    private interface Disruption {
        void run() throws Exception;
    }

    /**
     * Issues {@code total} requests with at most {@link #CONCURRENCY} in flight, running each
     * disruption just before the request with its index; returns the outcome mix.
     */
    private static Map<Outcome, Integer> run(NodeVerticle from, NodeId to, int total, Map<Integer, Disruption> disruptions)
            throws Exception {
        Semaphore slots = new Semaphore(CONCURRENCY);
        AtomicIntegerArray completions = new AtomicIntegerArray(total);
        ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
        Map<Outcome, Integer> mix = new EnumMap<>(Outcome.class);
        for (Outcome o : Outcome.values()) {
            mix.put(o, 0);
        }
        int[][] counts = new int[Outcome.values().length][1];
        for (int i = 0; i < total; i++) {
            Disruption d = disruptions.get(i);
            if (d != null) {
                d.run();
            }
            slots.acquire();
            int index = i;
            from.call(new ApiRequest.Proxy(to, new ProxyOp.Status())).onComplete(ar -> {
                if (completions.incrementAndGet(index) != 1) {
                    unexpected.add("request " + index + " completed twice");
                }
                if (ar.failed()) {
                    unexpected.add("request " + index + " failed: " + ar.cause());
                } else {
                    Outcome o = classify(ar.result());
                    if (o == null) {
                        unexpected.add("request " + index + ": " + ar.result());
                    } else {
                        synchronized (counts) {
                            counts[o.ordinal()][0]++;
                        }
                    }
                }
                slots.release();
            });
        }
        assertTrue(slots.tryAcquire(CONCURRENCY, LocalCluster.WAIT.toMillis(), TimeUnit.MILLISECONDS), "every request completed");
        assertTrue(unexpected.isEmpty(), unexpected.stream().limit(5).toList().toString());
        for (int i = 0; i < total; i++) {
            assertEquals(1, completions.get(i), "request " + i);
        }
        synchronized (counts) {
            for (Outcome o : Outcome.values()) {
                mix.put(o, counts[o.ordinal()][0]);
            }
        }
        return mix;
    }

    private static Outcome classify(ApiResponse r) {
        if (!(r instanceof ApiResponse.Proxied p)) {
            return null;
        }
        return switch (p.result()) {
            case Result.Ok<ProxyResult, ProxyError> ok -> ok.value() instanceof ProxyResult.Status ? Outcome.VALUE : null;
            case Result.Err<ProxyResult, ProxyError> err -> switch (err.error()) {
                case ProxyError.Disconnected d -> Outcome.DISCONNECTED;
                case ProxyError.Busy b -> Outcome.BUSY;
                case ProxyError.Timeout t -> Outcome.TIMEOUT;
                default -> null;
            };
        };
    }

    private static long completedAt(NodeVerticle n) {
        long sum = 0;
        for (NodeMetrics.ProxyOutcome o : NodeMetrics.ProxyOutcome.values()) {
            sum += n.metrics().proxyCompleted(o);
        }
        return sum;
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < GC_ROUNDS; i++) {
            System.gc();
            Thread.sleep(GC_PAUSE_MS);
        }
        return mem.getHeapMemoryUsage().getUsed();
    }
}
