package org.trustquorum.runtime.nemesis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.runtime.admin.AdminException;
import org.trustquorum.runtime.node.NodeConfig;

/** The nemesis's pieces that need no sockets: schedules, routing, the record scanner and the parsers of what nodes report. */
class NemesisPartsTest {
    private static final List<NodeId> IDS = List.of(NodeId.parse("TQ-SLED:SN0001"), NodeId.parse("TQ-SLED:SN0002"),
            NodeId.parse("TQ-SLED:SN0003"), NodeId.parse("TQ-SLED:SN0004"), NodeId.parse("TQ-SLED:SN0005"));

    @TempDir
    Path dir;

    /** Node i's own peer address in these tests. */
    private static NodeConfig.Endpoint node(int i) {
        return new NodeConfig.Endpoint("127.0.0.1", 20_000 + i);
    }

    /** Routes every node's peer list through {@code proxies}; returns the lists, node by node. */
    private static List<List<NodeConfig.Endpoint>> route(FaultProxies proxies) {
        List<NodeConfig.Endpoint> nodes = new ArrayList<>();
        for (int i = 0; i < IDS.size(); i++) {
            nodes.add(node(i));
        }
        int[] ports = new int[proxies.extraPorts(IDS.size())];
        for (int i = 0; i < ports.length; i++) {
            ports[i] = 10_000 + i;
        }
        List<List<NodeConfig.Endpoint>> lists = new ArrayList<>();
        for (int i = 0; i < IDS.size(); i++) {
            lists.add(proxies.peersOf(i, nodes, ports));
        }
        return lists;
    }

    private static List<Link> links(FaultProxies proxies) {
        route(proxies);
        return proxies.links();
    }

    @Test
    void everyPairOfNodesHasOneLinkDialedByTheHigherNodeThroughItsOwnPort() {
        FaultProxies proxies = new FaultProxies(IDS);
        List<List<NodeConfig.Endpoint>> lists = route(proxies);
        List<Integer> used = new ArrayList<>();
        for (int i = 0; i < IDS.size(); i++) {
            List<NodeConfig.Endpoint> peers = lists.get(i);
            assertEquals(i, peers.size(), "node " + i + " lists one proxy per lower node");
            for (NodeConfig.Endpoint e : peers) {
                assertTrue(e.port() < node(i).port(), "a node must dial every proxy it lists");
                used.add(e.port());
            }
        }
        assertEquals(10, used.stream().distinct().count());
        assertEquals(10, proxies.links().size());
        for (Link l : proxies.links()) {
            assertTrue(l.dialerIndex() > l.acceptorIndex(), l.label());
        }
    }

    @Test
    void aScheduleIsAFunctionOfSeedAndRoundAndStaysInItsBounds() {
        List<Link> links = links(new FaultProxies(IDS));
        for (long seed = 0; seed < 50; seed++) {
            for (int round = 1; round <= 3; round++) {
                NemesisSchedule a = NemesisSchedule.draw(seed, round, IDS, links);
                NemesisSchedule b = NemesisSchedule.draw(seed, round, IDS, links);
                assertEquals(a.describe(), b.describe());
                assertTrue(a.steps().size() >= NemesisSchedule.MIN_FAULTS && a.steps().size() <= NemesisSchedule.MAX_FAULTS);
                assertTrue(a.windowMs() >= NemesisSchedule.MIN_WINDOW_MS && a.windowMs() <= NemesisSchedule.MAX_WINDOW_MS);
                long onProxyLinks = a.steps().stream().filter(s -> s.link().touches(a.proxyNode())).count();
                assertTrue(2 * onProxyLinks >= a.steps().size(), "at least half the faults hit the proxy node's links");
                long last = 0;
                for (NemesisSchedule.Step s : a.steps()) {
                    assertTrue(s.atMs() >= last && s.atMs() < a.windowMs());
                    last = s.atMs();
                }
            }
        }
        assertNotEquals(NemesisSchedule.draw(1, 1, IDS, links).describe(), NemesisSchedule.draw(2, 1, IDS, links).describe());
        assertNotEquals(NemesisSchedule.draw(1, 1, IDS, links).describe(), NemesisSchedule.draw(1, 2, IDS, links).describe());
    }

    @Test
    void schedulesDrawEveryFaultKind() {
        List<Link> links = links(new FaultProxies(IDS));
        java.util.Set<Class<?>> kinds = new java.util.HashSet<>();
        for (long seed = 0; seed < 200; seed++) {
            NemesisSchedule.draw(seed, 1, IDS, links).steps().forEach(s -> kinds.add(s.fault().getClass()));
        }
        assertEquals(LinkFault.class.getPermittedSubclasses().length, kinds.size(), kinds.toString());
    }

    @Test
    void theScannerFindsTheEndOfTheFirstApplicationDataRecordAcrossChunks() {
        byte[] stream = {22, 3, 3, 0, 2, 1, 1, 23, 3, 3, 0, 3, 9, 9, 9, 23, 3, 3, 0, 1, 5};
        for (int split = 1; split < stream.length; split++) {
            TlsRecordScanner s = new TlsRecordScanner();
            int first = s.feed(stream, 0, split);
            int end = first >= 0 ? first : split + s.feed(stream, split, stream.length - split);
            assertEquals(15, end, "split at " + split);
            assertTrue(s.sawApplicationData());
            assertEquals(-1, s.feed(stream, 15, stream.length - 15), "only the first record counts");
        }
    }

    @Test
    void metricsAreSummedOverLabelsAndAMissingMetricIsAnError() throws Exception {
        String page = """
                # HELP tq_connections Live connection incarnations.
                # TYPE tq_connections gauge
                tq_connections{node="a"} 4
                tq_connections_total{node="a"} 99
                tq_proxy_requests_completed_total{node="a",outcome="ok"} 10
                tq_proxy_requests_completed_total{node="a",outcome="disconnected"} 3.0
                """;
        assertEquals(4, NodeFigures.sum(page, NodeFigures.CONNECTIONS));
        assertEquals(13, NodeFigures.sum(page, NodeFigures.PROXY_COMPLETED));
        assertThrows(AdminException.class, () -> NodeFigures.sum(page, NodeFigures.ALARMS));
    }

    @Test
    void theHeapTotalIsTheLastLineOfAClassHistogram() {
        assertEquals(123456, HeapProbe.totalOf(" num #instances #bytes class name\n 1: 10 100 [B\nTotal        2000       123456\n"));
        assertEquals(-1, HeapProbe.totalOf("12345: no such process\n"));
    }

    @Test
    void onlyNewErrorLevelLinesOfEitherLayoutAreReported() throws Exception {
        Path log = dir.resolve("node.log");
        Files.writeString(log, "08:00:00.000 ERROR [main] x - old error\n", StandardCharsets.UTF_8);
        ErrorLogScan scan = new ErrorLogScan();
        scan.skipToEnd(log);
        Files.writeString(log, """
                08:00:01.000 INFO  [loop] x - connected, no ERROR here
                08:00:02.000 ERROR [loop] x - stopping the node
                {"level":"ERROR","message":"handler threw"}
                08:00:03.000 WARN  [loop] x - bad frame
                08:00:04.000 ERROR [loop] x - half a li""", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        List<String> errors = scan.newErrors(log);
        assertEquals(2, errors.size(), errors.toString());
        assertTrue(errors.get(0).contains("stopping the node") && errors.get(1).contains("handler threw"));
        Files.writeString(log, "ne\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        assertEquals(List.of("08:00:04.000 ERROR [loop] x - half a line"), scan.newErrors(log));
        assertEquals(List.of(), scan.newErrors(log));
    }

    @Test
    void aProxiedCallsProxyErrorIsADocumentedFaultButNoOther5xx() throws Exception {
        Path log = dir.resolve("access.log");
        Files.writeString(log, "", StandardCharsets.UTF_8);
        ErrorLogScan scan = new ErrorLogScan();
        scan.skipToEnd(log);
        Files.writeString(log, """
                12:30:18.258 ERROR [loop] o.t.r.admin.access - admin 316e-61 POST /v1/proxy/status 502 8.7ms from 127.0.0.1:48012
                12:30:18.300 ERROR [loop] o.t.r.admin.access - admin 316e-62 POST /v1/proxy/prepare-and-commit 504 5.6ms from 127.0.0.1:48012
                12:30:18.310 ERROR [loop] o.t.r.admin.access - admin 316e-63 POST /v1/proxy/commit 500 2.1ms from 127.0.0.1:48036
                12:30:18.320 ERROR [loop] o.t.r.admin.access - admin 316e-64 POST /v1/reconfigure 502 2.1ms from 127.0.0.1:48036
                """, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        List<String> errors = scan.newErrors(log);
        assertEquals(2, errors.size(), errors.toString());
        assertTrue(errors.get(0).contains("/v1/proxy/commit 500") && errors.get(1).contains("/v1/reconfigure 502"), errors.toString());
    }
}
