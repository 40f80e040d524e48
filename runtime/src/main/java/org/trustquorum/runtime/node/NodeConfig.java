package org.trustquorum.runtime.node;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.trustquorum.core.engine.EngineLimits;
import org.trustquorum.core.engine.PeerAddress;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.runtime.admin.ApiJson;
import org.trustquorum.runtime.tls.NodeTls;

/**
 * A node's configuration file (JSON). Relative paths are resolved against the file's directory.
 * <pre>
 * {
 *   "id": "913-0000019:SN00001",
 *   "listen": {"host": "127.0.0.1", "port": 7001},
 *   "advertise": "127.0.0.1",                         (optional; defaults to listen.host)
 *   "peers": [{"host": "127.0.0.1", "port": 7002}],
 *   "tls": {"ca": "ca.pem", "cert": "node-1.pem", "key": "node-1.key"},
 *   "ledger": ["node-1/ledger-a.json", "node-1/ledger-b.json"],
 *   "admin": {"host": "127.0.0.1", "port": 8001, "token": "..."}   (optional; host defaults to 127.0.0.1)
 *   "controlPlaneKey": "control-plane.pub"            (the control plane's Ed25519 public key, PEM)
 *   "metrics": {"host": "127.0.0.1", "port": 9001}                 (optional; host defaults to 127.0.0.1)
 * }
 * </pre>
 */
public record NodeConfig(String id, Endpoint listen, String advertise, List<Endpoint> peers, Tls tls, List<String> ledger,
        Admin admin, String controlPlaneKey, Metrics metrics) {

    /** Where the admin API listens when the file names no host: loopback only. */
    public static final String DEFAULT_ADMIN_HOST = "127.0.0.1";

    public record Endpoint(String host, int port) {}

    public record Tls(String ca, String cert, String key) {}

    public record Admin(String host, int port, String token) {
        @Override
        public String toString() {
            return "Admin[" + host + ":" + port + ", token=<redacted>]";
        }
    }

    /** The metrics listener (no token; {@code GET /metrics} only). */
    public record Metrics(String host, int port) {}

    /** Reads and checks a configuration file. */
    public static NodeConfig read(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IOException("no such configuration file: " + file, e);
        }
        NodeConfig c;
        try {
            c = ApiJson.MAPPER.readValue(bytes, NodeConfig.class);
        } catch (JsonProcessingException e) {
            throw new IOException(file + ": not a valid node configuration: " + firstLine(e.getOriginalMessage()), e);
        }
        if (c == null) {
            throw new IOException(file + ": empty configuration");
        }
        return c;
    }

    /** Writes the file readable by its owner only (it holds the admin token). */
    public void write(Path file) throws IOException {
        byte[] bytes = ApiJson.MAPPER.writer(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(this);
        Files.deleteIfExists(file);
        if (file.toAbsolutePath().getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.createFile(file);
        }
        Files.write(file, bytes);
    }

    /** The settings to run with, paths resolved against {@code baseDir}. */
    public NodeSettings toSettings(Path baseDir, EngineLimits limits) throws IOException {
        require(id != null, "missing 'id'");
        NodeId nodeId;
        try {
            nodeId = NodeId.parse(id);
        } catch (IllegalArgumentException e) {
            throw new IOException("'id': " + e.getMessage());
        }
        require(listen != null && listen.host() != null, "missing 'listen' {host, port}");
        require(tls != null && tls.ca() != null && tls.cert() != null && tls.key() != null, "missing 'tls' {ca, cert, key}");
        require(ledger != null && ledger.size() >= 2, "'ledger' must list at least 2 paths");
        require(controlPlaneKey != null, "missing 'controlPlaneKey' (the control plane's public key file)");
        List<PeerAddress> peerAddresses = new ArrayList<>();
        if (peers != null) {
            for (Endpoint p : peers) {
                try {
                    peerAddresses.add(new PeerAddress(p.host(), p.port()));
                } catch (IllegalArgumentException e) {
                    throw new IOException("'peers': " + e.getMessage());
                }
            }
        }
        List<Path> ledgerPaths = new ArrayList<>();
        for (String l : ledger) {
            ledgerPaths.add(baseDir.resolve(l).toAbsolutePath().normalize());
        }
        NodeTls nodeTls = new NodeTls(baseDir.resolve(tls.ca()).toAbsolutePath(), baseDir.resolve(tls.cert()).toAbsolutePath(),
                baseDir.resolve(tls.key()).toAbsolutePath());
        NodeSettings.Admin a = null;
        if (admin != null) {
            require(admin.token() != null, "'admin' needs a 'token'");
            try {
                a = new NodeSettings.Admin(admin.host() == null ? DEFAULT_ADMIN_HOST : admin.host(), admin.port(), admin.token());
            } catch (IllegalArgumentException e) {
                throw new IOException("'admin': " + e.getMessage());
            }
        }
        try {
            return new NodeSettings(nodeId, listen.host(), listen.port(), advertise == null ? listen.host() : advertise,
                    peerAddresses, nodeTls, ledgerPaths, a, limits,
                    baseDir.resolve(controlPlaneKey).toAbsolutePath().normalize());
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage());
        }
    }

    /** The metrics listener to run, or null if the file configures none. */
    public MetricsServer.Endpoint metricsEndpoint() throws IOException {
        if (metrics == null) {
            return null;
        }
        try {
            return new MetricsServer.Endpoint(metrics.host() == null ? MetricsServer.DEFAULT_HOST : metrics.host(),
                    metrics.port());
        } catch (IllegalArgumentException e) {
            throw new IOException("'metrics': " + e.getMessage());
        }
    }

    private static void require(boolean ok, String message) throws IOException {
        if (!ok) {
            throw new IOException("node configuration: " + message);
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
