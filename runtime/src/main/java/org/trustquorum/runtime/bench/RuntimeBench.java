package org.trustquorum.runtime.bench;

import org.trustquorum.runtime.cp.ControlPlaneKeyFiles;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.trustquorum.core.api.NodeStatus;
import org.trustquorum.core.engine.ApiRequest;
import org.trustquorum.core.engine.ApiResponse;
import org.trustquorum.core.engine.EngineLimits;
import org.trustquorum.core.engine.PeerAddress;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.RackId;
import org.trustquorum.core.msg.ProxyOp;
import org.trustquorum.core.msg.ProxyResult;
import org.trustquorum.core.msg.WireMsg;
import org.trustquorum.runtime.admin.AdminClient;
import org.trustquorum.runtime.admin.ApiJson;
import org.trustquorum.runtime.cli.RuntimeMain;
import org.trustquorum.runtime.cp.AdminGateway;
import org.trustquorum.runtime.cp.ControlPlaneDriver;
import org.trustquorum.runtime.node.NodeDaemon;
import org.trustquorum.runtime.node.NodeSettings;
import org.trustquorum.runtime.node.NodeVerticle;
import org.trustquorum.runtime.tls.Certs;
import org.trustquorum.runtime.tls.NodeTls;
import org.trustquorum.runtime.wire.FrameDecodeException;
import org.trustquorum.runtime.wire.FrameDecoder;
import org.trustquorum.runtime.wire.FrameEncoder;
import org.trustquorum.runtime.wire.WireCodec;

/**
 * {@code tq bench runtime}. Two measurements, in one process, on loopback:
 *
 * <ol>
 *   <li><b>Proxied status round trip</b>: node A asks node B for its status through the proxy,
 *       driven in-process through A's verticle (no admin API): A's engine, Kryo, framing, TLS,
 *       B's engine and back. Compared with a <b>raw Vert.x TLS round trip</b> measured in the same
 *       run: a client and a server on the same kind of mutual-TLS sockets, exchanging frames of
 *       the same sizes (request and response) with the same framing, and nothing else. Both are
 *       closed loops with one request outstanding; batches of the two alternate so that drift
 *       affects both alike. The figure of merit is the ratio of the medians (target at most
 *       {@value #TARGET_RATIO}).
 *   <li><b>A reconfiguration of {@value #DEFAULT_RECONFIGURATION_NODES} nodes</b>, each with its
 *       ledger on disk, driven by the control plane through the admin APIs: the initial
 *       configuration, then a second one with another threshold (share collection, secret chain).
 * </ol>
 */
public final class RuntimeBench {
    public static final int DEFAULT_ROUNDS = 20_000;
    public static final int DEFAULT_RECONFIGURATION_NODES = 16;
    /** Reconfigurations timed by default: the initial one, then this many minus one on the warm rack. */
    public static final int DEFAULT_RECONFIGURATIONS = 20;
    public static final double TARGET_RATIO = 1.5;
    /** Round trips of each kind run before measuring: enough for the JIT to compile the hot paths (the proxied round trip is ~3x slower before that). */
    public static final int WARMUP_ROUNDS = 30_000;
    /** Measured rounds are split into this many alternating batches. */
    public static final int BATCHES = 10;
    /** Bound on every wait of the benchmark. */
    public static final Duration WAIT = Duration.ofSeconds(120);
    private static final String LOOPBACK = "127.0.0.1";
    private static final long POLL_MS = 5;

    private final int rounds;
    private final int nodes;
    private final int reconfigurations;
    private final Path json;
    private final PrintStream out;

    public RuntimeBench(int rounds, int nodes, Path json, PrintStream out) {
        this(rounds, nodes, DEFAULT_RECONFIGURATIONS, json, out);
    }

    /** {@code reconfigurations}: the initial one plus {@code reconfigurations - 1} on the warm rack. */
    public RuntimeBench(int rounds, int nodes, int reconfigurations, Path json, PrintStream out) {
        this.rounds = rounds;
        this.nodes = nodes;
        this.reconfigurations = reconfigurations;
        this.json = json;
        this.out = out;
    }

    /** Latency percentiles of one kind of round trip, in microseconds. */
    record Latency(int samples, double medianUs, double p90Us, double p99Us, double meanUs) {
        static Latency of(long[] nanos) {
            long[] s = nanos.clone();
            Arrays.sort(s);
            double mean = Arrays.stream(s).average().orElse(0) / 1_000.0;
            return new Latency(s.length, pct(s, 50), pct(s, 90), pct(s, 99), mean);
        }

        private static double pct(long[] sorted, int p) {
            int i = (int) Math.min(sorted.length - 1, Math.ceil(p / 100.0 * sorted.length) - 1);
            return sorted[Math.max(0, i)] / 1_000.0;
        }
    }

    public int run() throws Exception {
        if (rounds < BATCHES || nodes < 3 || nodes > 32 || reconfigurations < 2) {
            out.println("tq bench runtime: --rounds must be >= " + BATCHES + ", --nodes in 3..32 and --reconfigurations >= 2");
            return 2;
        }
        Path tmp = Files.createTempDirectory("tq-bench-");
        Vertx vertx = Vertx.vertx();
        ObjectNode report = ApiJson.MAPPER.createObjectNode();
        try {
            report.put("date", Instant.now().toString());
            ObjectNode machine = report.putObject("machine");
            machine.put("cores", Runtime.getRuntime().availableProcessors());
            machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                    + System.getProperty("os.arch"));
            machine.put("jvm", System.getProperty("java.vm.name") + " " + Runtime.version());
            out.println("tq bench runtime: " + machine.get("cores") + " cores, " + machine.get("jvm").asText());

            roundTrips(vertx, tmp.resolve("rtt"), report);
            reconfiguration(vertx, tmp.resolve("reconf"), report);

            if (json != null) {
                Files.write(json, ApiJson.MAPPER.writer(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(report));
                out.println("wrote " + json);
            }
            // A completed measurement exits 0 whatever the figures; "withinTarget" in the output says
            // whether the ratio met the target (on a noisy machine it may not).
            return 0;
        } finally {
            vertx.close().await(30, TimeUnit.SECONDS);
            deleteTree(tmp);
        }
    }

    // ---------------------------------------------------------------------------------------
    // Proxied status vs raw TLS

    private void roundTrips(Vertx vertx, Path dir, ObjectNode report) throws Exception {
        List<NodeId> ids = RuntimeMain.demoIds(2);
        Certs.ClusterFiles certs = Certs.makeCluster(dir.resolve("certs"), ids);
        ObjectNode rt = report.putObject("roundTrip");
        rt.put("rounds", rounds).put("warmupRounds", WARMUP_ROUNDS).put("target", TARGET_RATIO);
        // Only the node with the higher address dials, so ports decide which end is the TLS client.
        // Measure both ways; the headline is the worse one.
        double worst = 0;
        for (boolean requesterDials : new boolean[] {true, false}) {
            int[] free = freePorts(2);
            int hi = Math.max(free[0], free[1]);
            int lo = Math.min(free[0], free[1]);
            int[] ports = requesterDials ? new int[] {hi, lo} : new int[] {lo, hi};
            ObjectNode o = rt.putObject(requesterDials ? "requesterDials" : "requesterAccepts");
            double ratio = roundTripsOnce(vertx, dir.resolve(requesterDials ? "dial" : "accept"), ids, certs, ports, o);
            worst = Math.max(worst, ratio);
        }
        rt.put("ratioAtMedian", Math.round(worst * 100) / 100.0).put("withinTarget", worst <= TARGET_RATIO);
        rt.put("loadAverageAtEnd", java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        out.printf("ratio at the median, worse orientation: %.2fx (target <= %.1fx) %s%n", worst, TARGET_RATIO,
                worst <= TARGET_RATIO ? "OK" : "ABOVE TARGET");
    }

    /** One orientation: returns the ratio of the medians. */
    private double roundTripsOnce(Vertx vertx, Path dir, List<NodeId> ids, Certs.ClusterFiles certs, int[] ports,
            ObjectNode o) throws Exception {
        List<NodeDaemon> daemons = startNodes(vertx, dir, ids, certs, false, null, ports);
        NodeVerticle a = daemons.get(0).node();
        NodeId b = ids.get(1);
        awaitConnected(List.of(a, daemons.get(1).node()));
        boolean aDialed = a.address().dials(daemons.get(1).node().address());

        // Frame sizes of the proxied exchange, for the raw exchange to match.
        NodeStatus bStatus = ((ApiResponse.StatusReport) daemons.get(1).node().call(new ApiRequest.Status())
                .await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).status();
        WireCodec codec = new WireCodec();
        int requestBytes = codec.encode(new WireMsg.ProxyRequest(1, new ProxyOp.Status())).length;
        int responseBytes = codec.encode(new WireMsg.ProxyResponse(1, new ProxyResult.Status(bStatus))).length;

        RawTls raw = RawTls.start(vertx, NodeTls.of(certs, ids.get(0)), NodeTls.of(certs, ids.get(1)), requestBytes,
                responseBytes);
        out.printf("round trips, requester %s: %d warm-up + %d measured of each kind (frames of %d and %d bytes)%n",
                aDialed ? "dials (TLS client)" : "accepts (TLS server)", WARMUP_ROUNDS, rounds, requestBytes, responseBytes);
        proxyLoop(vertx, a, b, WARMUP_ROUNDS);
        raw.loop(vertx, WARMUP_ROUNDS);

        long[] proxied = new long[rounds];
        long[] rawSamples = new long[rounds];
        int per = rounds / BATCHES;
        double[] batchRatios = new double[BATCHES];
        for (int batch = 0; batch < BATCHES; batch++) {
            int from = batch * per;
            int count = batch == BATCHES - 1 ? rounds - from : per;
            long[] pb = proxyLoop(vertx, a, b, count);
            long[] rb = raw.loop(vertx, count);
            System.arraycopy(pb, 0, proxied, from, count);
            System.arraycopy(rb, 0, rawSamples, from, count);
            batchRatios[batch] = Latency.of(pb).medianUs() / Latency.of(rb).medianUs();
        }
        double[] sortedRatios = batchRatios.clone();
        Arrays.sort(sortedRatios);
        double medianBatchRatio = sortedRatios[BATCHES / 2];
        String nodeThreads = "A on " + a.inspect(e -> Thread.currentThread().getName()).await(WAIT.toMillis(),
                TimeUnit.MILLISECONDS) + ", B on " + daemons.get(1).node().inspect(e -> Thread.currentThread().getName())
                .await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        Latency p = Latency.of(proxied);
        Latency r = Latency.of(rawSamples);
        double ratio = p.medianUs() / r.medianUs();
        out.println("  event loops: nodes " + nodeThreads + "; raw " + raw.threads());
        out.printf("  proxied status (engine + Kryo + TLS): median %.1f us, p90 %.1f, p99 %.1f%n", p.medianUs(), p.p90Us(),
                p.p99Us());
        out.printf("  raw Vert.x TLS round trip:            median %.1f us, p90 %.1f, p99 %.1f%n", r.medianUs(), r.p90Us(),
                r.p99Us());
        out.printf("  ratio at the median: %.2fx; median of the %d per-batch ratios %.2fx%n", ratio, BATCHES,
                medianBatchRatio);
        o.put("requesterDialled", aDialed).put("requestFrameBytes", requestBytes).put("responseFrameBytes", responseBytes);
        o.set("proxiedStatus", ApiJson.MAPPER.valueToTree(p));
        o.set("rawTls", ApiJson.MAPPER.valueToTree(r));
        o.put("nodeThreads", nodeThreads).put("rawThreads", raw.threads());
        o.put("ratioAtMedian", Math.round(ratio * 100) / 100.0);
        o.put("medianOfBatchRatios", Math.round(medianBatchRatio * 100) / 100.0);
        raw.close();
        for (NodeDaemon d : daemons) {
            d.stop().await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }
        return ratio;
    }

    /** Ports free right now (held open together so they differ). */
    private static int[] freePorts(int count) throws IOException {
        List<java.net.ServerSocket> held = new ArrayList<>();
        int[] ports = new int[count];
        try {
            for (int i = 0; i < count; i++) {
                java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
                held.add(s);
                ports[i] = s.getLocalPort();
            }
        } finally {
            for (java.net.ServerSocket s : held) {
                s.close();
            }
        }
        return ports;
    }

    /** Closed loop of proxied status calls from A to B; returns each round trip in nanoseconds. */
    private static long[] proxyLoop(Vertx vertx, NodeVerticle a, NodeId b, int n) throws Exception {
        long[] samples = new long[n];
        Promise<long[]> done = Promise.promise();
        ApiRequest request = new ApiRequest.Proxy(b, new ProxyOp.Status());
        Runnable[] next = new Runnable[1];
        int[] i = {0};
        next[0] = () -> {
            long t0 = System.nanoTime();
            a.call(request).onComplete(ar -> {
                long dt = System.nanoTime() - t0;
                if (ar.failed() || !(ar.result() instanceof ApiResponse.Proxied px) || !px.result().isOk()) {
                    done.tryFail(ar.failed() ? ar.cause() : new IllegalStateException("proxy call failed: " + ar.result()));
                    return;
                }
                samples[i[0]++] = dt;
                if (i[0] == n) {
                    done.complete(samples);
                } else {
                    next[0].run();
                }
            });
        };
        vertx.runOnContext(v -> next[0].run());
        return done.future().await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * A TLS client and server exchanging fixed-size frames: the baseline. Each end runs in its own
     * verticle on its own event loop, as two nodes do; with both ends on one thread a round trip
     * skips the cross-thread wake-ups and is not comparable.
     */
    private static final class RawTls {
        /** Deployments tried before giving up on getting the two ends onto different event loops. */
        private static final int MAX_PLACEMENT_TRIES = 8;

        final EchoServer server;
        final EchoClient client;

        private RawTls(EchoServer server, EchoClient client) {
            this.server = server;
            this.client = client;
        }

        static RawTls start(Vertx vertx, NodeTls clientTls, NodeTls serverTls, int requestBytes, int responseBytes)
                throws Exception {
            EchoServer server = new EchoServer(serverTls, responseBytes);
            vertx.deployVerticle(server).await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            for (int attempt = 0; attempt < MAX_PLACEMENT_TRIES; attempt++) {
                EchoClient client = new EchoClient(clientTls, server.port, requestBytes);
                String id = vertx.deployVerticle(client).await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                if (!client.thread.equals(server.thread)) {
                    return new RawTls(server, client);
                }
                vertx.undeploy(id).await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            }
            throw new IllegalStateException("could not place the raw client and server on different event loops");
        }

        long[] loop(Vertx vertx, int n) throws Exception {
            return client.loop(n);
        }

        String threads() {
            return "client on " + client.thread + ", server on " + server.thread;
        }

        void close() {
            // undeployed with Vert.x
        }
    }

    /** Answers every request frame with a response frame of a fixed size. */
    private static final class EchoServer extends io.vertx.core.VerticleBase {
        final NodeTls tls;
        final Buffer response;
        volatile int port;
        volatile String thread;

        EchoServer(NodeTls tls, int responseBytes) {
            this.tls = tls;
            this.response = FrameEncoder.frame(new byte[responseBytes]);
        }

        @Override
        public Future<?> start() {
            thread = Thread.currentThread().getName();
            NetServer server = vertx.createNetServer(tls.serverOptions(LOOPBACK, 0).setTcpNoDelay(true)).connectHandler(s -> {
                FrameDecoder d = new FrameDecoder();
                s.handler(data -> {
                    try {
                        for (int k = d.feed(data).size(); k > 0; k--) {
                            s.write(response.copy());
                        }
                    } catch (FrameDecodeException e) {
                        s.close();
                    }
                });
            });
            return server.listen().map(srv -> {
                port = srv.actualPort();
                return null;
            });
        }
    }

    /** Sends a request frame, waits for the response frame, repeats; on its own event loop. */
    private static final class EchoClient extends io.vertx.core.VerticleBase {
        final NodeTls tls;
        final int serverPort;
        final Buffer request;
        final FrameDecoder decoder = new FrameDecoder();
        NetClient client;
        NetSocket socket;
        Runnable onResponse = () -> { };
        volatile String thread;

        EchoClient(NodeTls tls, int serverPort, int requestBytes) {
            this.tls = tls;
            this.serverPort = serverPort;
            this.request = FrameEncoder.frame(new byte[requestBytes]);
        }

        @Override
        public Future<?> start() {
            thread = Thread.currentThread().getName();
            client = vertx.createNetClient(tls.clientOptions().setTcpNoDelay(true));
            return client.connect(serverPort, LOOPBACK).map(s -> {
                socket = s;
                s.handler(data -> {
                    try {
                        for (int k = decoder.feed(data).size(); k > 0; k--) {
                            onResponse.run();
                        }
                    } catch (FrameDecodeException e) {
                        s.close();
                    }
                });
                return null;
            });
        }

        /** Closed loop of n round trips on this verticle's event loop. */
        long[] loop(int n) throws Exception {
            long[] samples = new long[n];
            Promise<long[]> done = Promise.promise();
            int[] i = {0};
            long[] t0 = {0};
            Runnable send = () -> {
                t0[0] = System.nanoTime();
                socket.write(request.copy());
            };
            context.runOnContext(v -> {
                onResponse = () -> {
                    samples[i[0]++] = System.nanoTime() - t0[0];
                    if (i[0] == n) {
                        done.complete(samples);
                    } else {
                        send.run();
                    }
                };
                send.run();
            });
            return done.future().await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    // ---------------------------------------------------------------------------------------
    // Reconfiguration of many nodes

    private void reconfiguration(Vertx vertx, Path dir, ObjectNode report) throws Exception {
        List<NodeId> ids = RuntimeMain.demoIds(nodes);
        Certs.ClusterFiles certs = Certs.makeCluster(dir.resolve("certs"), ids);
        byte[] raw = new byte[24];
        new SecureRandom().nextBytes(raw);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        List<NodeDaemon> daemons = startNodes(vertx, dir, ids, certs, true, token, null);
        List<NodeVerticle> verticles = daemons.stream().map(NodeDaemon::node).toList();
        awaitConnected(verticles);
        Map<NodeId, AdminClient> admins = new TreeMap<>();
        for (NodeVerticle v : verticles) {
            admins.put(v.id(), new AdminClient(LOOPBACK, v.adminPort(), token));
        }
        int k1 = Math.max(2, nodes / 2 + 1);
        int k2 = Math.min(nodes - 1, k1 + 2);
        out.printf("reconfiguration: %d nodes in one process, ledgers on disk (%s), control plane through the admin APIs%n",
                nodes, dir);
        ObjectNode rc = report.putObject("reconfiguration");
        rc.put("nodes", nodes).put("controlPlanePollIntervalMs",
                org.trustquorum.core.controlplane.ControlPlane.POLL_INTERVAL_MS);
        try (ControlPlaneDriver cp = new ControlPlaneDriver(RackId.random(new SecureRandom()), ids,
                ControlPlaneKeyFiles.readPair(certs.controlPlaneDir()), new AdminGateway(admins),
                line -> {})) {
            long[] first = timeReconfiguration(cp, ids, k1, verticles);
            out.printf("  initial configuration (K=%d): prepared at every member after %d ms, committed everywhere after %d ms%n",
                    k1, first[0], first[1]);
            rc.put("initialThreshold", k1).put("initialPreparedMs", first[0]).put("initialCommittedMs", first[1]);
            // Later ones alternate between two thresholds (each collects the previous epoch's shares,
            // rebuilds its secret and encrypts the chain).
            int later = reconfigurations - 1;
            long[] prepared = new long[later];
            long[] committed = new long[later];
            long[] commitPhase = new long[later];
            for (int i = 0; i < later; i++) {
                int k = i % 2 == 0 ? k2 : Math.max(2, k2 - 1);
                long[] t = timeReconfiguration(cp, ids, k, verticles);
                prepared[i] = t[0];
                committed[i] = t[1];
                commitPhase[i] = t[1] - t[0];
                out.printf("  reconfiguration %d (K=%d): prepared everywhere after %d ms, committed everywhere after %d ms%n",
                        i + 2, k, t[0], t[1]);
            }
            out.printf("  later %d reconfigurations: prepare -> prepared everywhere %s; prepared -> committed everywhere %s;"
                    + " prepare -> committed everywhere %s%n", later, spread(prepared), spread(commitPhase), spread(committed));
            rc.put("laterReconfigurations", later);
            putSpread(rc.putObject("laterPreparedMs"), prepared);
            putSpread(rc.putObject("laterCommitPhaseMs"), commitPhase);
            putSpread(rc.putObject("laterCommittedMs"), committed);
        }
        long writes = 0;
        double seconds = 0;
        for (NodeVerticle v : verticles) {
            writes += v.metrics().ledgerWrites.get();
            seconds += v.metrics().ledgerWriteSeconds();
        }
        double meanWriteMs = writes == 0 ? 0 : seconds * 1000.0 / writes;
        out.printf("  ledger writes: %d, mean %.2f ms each (two fsync'd copies)%n", writes, meanWriteMs);
        rc.put("ledgerWrites", writes).put("meanLedgerWriteMs", Math.round(meanWriteMs * 100) / 100.0);
        for (NodeDaemon d : daemons) {
            d.stop().await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** "median M ms (min A to max B)" of a set of milliseconds. */
    private static String spread(long[] ms) {
        long[] s = ms.clone();
        Arrays.sort(s);
        return "median " + median(s) + " ms (" + s[0] + " to " + s[s.length - 1] + ")";
    }

    private static void putSpread(ObjectNode o, long[] ms) {
        long[] s = ms.clone();
        Arrays.sort(s);
        o.put("median", median(s)).put("min", s[0]).put("max", s[s.length - 1]);
    }

    /** The median of sorted values (the mean of the middle two for an even count). */
    private static long median(long[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** Returns {ms until every member holds the epoch's configuration and share durably, ms until committed at every member}. */
    private static long[] timeReconfiguration(ControlPlaneDriver cp, List<NodeId> members, int k, List<NodeVerticle> nodes)
            throws Exception {
        long t0 = System.nanoTime();
        Epoch epoch = cp.reconfigure(members, k).orElseThrow();
        long prepared = -1;
        long deadline = t0 + WAIT.toNanos();
        while (prepared < 0 && System.nanoTime() < deadline) {
            boolean all = true;
            for (NodeVerticle v : nodes) {
                if (!v.inspect(e -> e.state().hasPrepared(epoch)).await(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                    all = false;
                    break;
                }
            }
            if (all) {
                prepared = (System.nanoTime() - t0) / 1_000_000;
            } else {
                Thread.sleep(POLL_MS);
            }
        }
        cp.awaitIdle(WAIT);
        long committed = (System.nanoTime() - t0) / 1_000_000;
        return new long[] {prepared, committed};
    }

    // ---------------------------------------------------------------------------------------

    private static List<NodeDaemon> startNodes(Vertx vertx, Path dir, List<NodeId> ids, Certs.ClusterFiles certs,
            boolean withAdmin, String token, int[] ports) throws Exception {
        List<NodeDaemon> out = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            NodeId id = ids.get(i);
            Path ledger = dir.resolve("node-" + (i + 1));
            NodeSettings s = new NodeSettings(id, LOOPBACK, ports == null ? 0 : ports[i], LOOPBACK, List.of(), NodeTls.of(certs, id),
                    List.of(ledger.resolve("a.json"), ledger.resolve("b.json")),
                    withAdmin ? new NodeSettings.Admin(LOOPBACK, 0, token) : null, EngineLimits.DEFAULTS,
                    certs.controlPlanePublicKey());
            out.add(NodeDaemon.start(vertx, s).await(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        }
        Set<PeerAddress> all = new HashSet<>();
        for (NodeDaemon d : out) {
            all.add(d.node().address());
        }
        for (NodeDaemon d : out) {
            d.node().setPeers(all).await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }
        return out;
    }

    private static void awaitConnected(List<NodeVerticle> nodes) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        for (NodeVerticle v : nodes) {
            while (v.inspect(e -> e.connections().connectedPeers().size()).await(WAIT.toMillis(), TimeUnit.MILLISECONDS)
                    < nodes.size() - 1) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(v.id() + " did not connect to every peer");
                }
                Thread.sleep(POLL_MS * 4);
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
