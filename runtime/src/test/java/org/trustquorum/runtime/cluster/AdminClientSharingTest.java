package org.trustquorum.runtime.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.runtime.admin.AdminClient;

/**
 * A long chaos or nemesis run asks its cluster for an admin client for every call; those clients
 * must not each keep an HTTP client (a selector thread and its descriptors) alive, or the driver
 * runs out of file descriptors after some rounds ("Too many open files").
 */
class AdminClientSharingTest {
    /** Admin clients asked for, as a long run does over its rounds. */
    static final int CLIENTS = 1_500;
    /** Descriptors the whole loop may leave open: a few pooled connections, nowhere near one per client. */
    static final int MAX_NEW_DESCRIPTORS = 100;

    @Test
    void adminClientsOfOneClusterShareOneHttpClient(@TempDir Path dir) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        byte[] body = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
        server.createContext("/health", ex -> {
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        try (ProcessCluster cluster = new ProcessCluster(dir, List.of(new NodeId("r", "n1")), List.of())) {
            long before = openDescriptors();
            for (int i = 0; i < CLIENTS; i++) {
                AdminClient c = cluster.adminAt(server.getAddress().getPort());
                assertEquals(200, AdminClient.await(c.raw("GET", "/health", null)).status());
            }
            long grown = openDescriptors() - before;
            assertTrue(grown < MAX_NEW_DESCRIPTORS, CLIENTS + " admin clients left " + grown + " descriptors open");
        } finally {
            server.stop(0);
        }
    }

    private static long openDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }
}
