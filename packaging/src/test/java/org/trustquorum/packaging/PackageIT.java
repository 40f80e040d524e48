package org.trustquorum.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release tarball as an operator gets it: unpacked into an empty directory, run with HOME
 * pointing at another empty directory and a PATH that holds nothing (no JDK, no Maven, no source
 * tree: the launcher uses only the bundled runtime). Three nodes start from it, get their first
 * configuration through {@code tq admin}, unlock the same rack secret, are scraped on their metrics
 * listeners and stop on SIGTERM with exit code 0.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class PackageIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int NODES = 3;
    private static final String TOKEN = "package-test-token-0123456789";
    private static final String RACK = "6a1f0e7c-3b2d-4c5e-9f80-1a2b3c4d5e6f";
    /** Generous: a loaded CI machine may take long to start a JVM. */
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(180);
    private static final String READY_TIMEOUT_SECONDS = "150";
    private static final Duration COMMIT_DEADLINE = Duration.ofSeconds(120);
    private static final long RETRY_PAUSE_MS = 200;
    /** What a node process may take from SIGTERM to its exit. */
    private static final Duration STOP_DEADLINE = Duration.ofSeconds(30);

    @TempDir
    static Path root;

    private static Path install;
    private static Path home;
    private static Path emptyPath;
    private static Path work;
    private static final List<Process> running = new ArrayList<>();

    record Run(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\nstdout:\n" + out + "\nstderr:\n" + err;
        }
    }

    @BeforeAll
    static void unpack() throws Exception {
        Path tarball = Path.of(System.getProperty("tq.tarball"));
        assertTrue(Files.isRegularFile(tarball), "the package phase built " + tarball);
        install = Files.createDirectories(root.resolve("opt"));
        home = Files.createDirectories(root.resolve("home"));
        emptyPath = Files.createDirectories(root.resolve("empty-path"));
        work = Files.createDirectories(root.resolve("work"));
        Process tar = new ProcessBuilder("tar", "-xzf", tarball.toString(), "-C", install.toString()).inheritIO().start();
        assertEquals(0, tar.waitFor());
        install = install.resolve(System.getProperty("tq.release"));
    }

    @AfterAll
    static void killLeftovers() {
        for (Process p : running) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    /** A process of the release: bin/tq with a bare environment (HOME empty, PATH empty). */
    private static ProcessBuilder tq(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(install.resolve("bin/tq").toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile());
        Map<String, String> env = pb.environment();
        env.clear();
        env.put("HOME", home.toString());
        env.put("PATH", emptyPath.toString());
        return pb;
    }

    private static Run run(String... args) throws Exception {
        Path out = Files.createTempFile(work, "out", ".txt");
        Path err = Files.createTempFile(work, "err", ".txt");
        Process p = tq(args).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS), "tq " + String.join(" ", args) + " finished");
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void theArchiveHasItsChecksumSbomCompletionAndVersion() throws Exception {
        Path tarball = Path.of(System.getProperty("tq.tarball"));
        String line = Files.readString(Path.of(tarball + ".sha256")).trim();
        String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(tarball)));
        assertEquals(digest + "  " + tarball.getFileName(), line, "sha256sum -c format");

        Path sbom = tarball.resolveSibling(tarball.getFileName().toString().replace(".tar.gz", ".cdx.json"));
        JsonNode bom = JSON.readTree(sbom.toFile());
        assertEquals("CycloneDX", bom.path("bomFormat").asText());
        TreeSet<String> names = new TreeSet<>();
        bom.path("components").forEach(c -> names.add(c.path("group").asText() + ":" + c.path("name").asText()));
        assertTrue(names.contains("io.vertx:vertx-core") && names.contains("org.trustquorum:tq-runtime")
                && names.contains("io.micrometer:micrometer-registry-prometheus"), names.toString());

        String completion = Files.readString(install.resolve("share/bash-completion/completions/tq"));
        assertTrue(completion.contains("complete") && completion.contains("node") && completion.contains("ready"));
        assertTrue(Files.isExecutable(install.resolve("runtime/bin/java")));
        assertFalse(Files.exists(install.resolve("runtime/jmods")), "a runtime image, not a JDK");

        Run v = run("--version");
        assertEquals(0, v.exit(), v.toString());
        assertTrue(v.out().matches("(?s)tq \\S+\ncommit: [0-9a-f]{7,}\nwire format: \\d+ \\(tq-wire/\\d+\\)\nledger format: \\d+\n"),
                v.out());
        Run bad = run("no-such-command");
        assertEquals(2, bad.exit(), "usage error: " + bad);
    }

    @Test
    void theSystemdUnitVerifies() throws Exception {
        Path analyze = Path.of("/usr/bin/systemd-analyze");
        assumeTrue(Files.isExecutable(analyze), "systemd-analyze is not installed here (Debian package: systemd)");
        String unit = Files.readString(install.resolve("systemd/tq-node.service")).replace("/opt/tq", install.toString());
        Path dir = Files.createDirectories(root.resolve("unit"));
        Path file = dir.resolve("tq-node.service");
        Files.writeString(file, unit);
        Process p = new ProcessBuilder(analyze.toString(), "verify", file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertEquals("", out.trim(), "no warning about the unit");
    }

    @Test
    void threeNodesFromTheTarballReconfigureUnlockAreScrapedAndStopOnSigterm() throws Exception {
        Run certs = run("certs", "--nodes", String.valueOf(NODES), "--dir", "certs");
        assertEquals(0, certs.exit(), certs.toString());
        int[] ports = freePorts(3 * NODES);
        List<String> ids = new ArrayList<>();
        List<Path> configs = new ArrayList<>();
        for (int i = 1; i <= NODES; i++) {
            ids.add(String.format("TQ-SLED:SN%04d", i));
        }
        for (int i = 1; i <= NODES; i++) {
            Path dir = Files.createDirectories(work.resolve("node-" + i));
            StringBuilder peers = new StringBuilder();
            for (int j = 1; j <= NODES; j++) {
                if (j != i) {
                    peers.append(peers.isEmpty() ? "" : ", ").append("{\"host\": \"127.0.0.1\", \"port\": ").append(ports[j - 1]).append('}');
                }
            }
            String config = """
                    {"id": "%s", "listen": {"host": "127.0.0.1", "port": %d}, "peers": [%s],
                     "tls": {"ca": "../certs/ca.pem", "cert": "../certs/node-%d.pem", "key": "../certs/node-%d.key"},
                     "ledger": ["ledger-a/state.json", "ledger-b/state.json"],
                     "admin": {"port": %d, "token": "%s"}, "metrics": {"port": %d},
                     "controlPlaneKey": "../certs/control-plane.pub"}
                    """.formatted(ids.get(i - 1), ports[i - 1], peers, i, i, ports[NODES + i - 1], TOKEN, ports[2 * NODES + i - 1]);
            Path file = dir.resolve("node.json");
            Files.writeString(file, config);
            configs.add(file);
        }
        List<Process> nodes = new ArrayList<>();
        for (int i = 1; i <= NODES; i++) {
            Path dir = work.resolve("node-" + i);
            Process p = tq("node", "--config", configs.get(i - 1).toString(), i == 1 ? "--log-format=json" : "--log-format=text")
                    .redirectOutput(dir.resolve("stdout.log").toFile()).redirectError(dir.resolve("node.log").toFile()).start();
            nodes.add(p);
            running.add(p);
        }
        for (int i = 1; i <= NODES; i++) {
            Run ready = run("ready", "--config", configs.get(i - 1).toString(), "--timeout", READY_TIMEOUT_SECONDS);
            assertEquals(0, ready.exit(), ready + "\nnode log:\n" + Files.readString(work.resolve("node-" + i).resolve("node.log")));
        }

        String coordinator = "127.0.0.1:" + ports[NODES];
        String keys = work.resolve("certs").toString();
        // A node refuses members it has never seen a certificate of: retry until the mesh is up.
        Run started;
        long meshDeadline = System.nanoTime() + COMMIT_DEADLINE.toNanos();
        do {
            started = admin(coordinator, "reconfigure", "--rack-id", RACK, "--epoch", "1", "--last-committed", "0",
                    "--members", String.join(",", ids), "--threshold", "2", "--sign-with", keys);
        } while (started.exit() != 0 && started.out().contains("UnknownMembers") && System.nanoTime() < meshDeadline
                && pause());
        assertEquals(0, started.exit(), started.toString());
        assertEquals("STARTED", JSON.readTree(started.out()).path("outcome").asText());
        Path signed = work.resolve("commit-1.json");
        Run sign = admin(coordinator, "sign-commit", "--epoch", "1", "--sign-with", keys, "--out", signed.toString());
        assertEquals(0, sign.exit(), sign.toString());
        String signature = JSON.readTree(Files.readString(signed)).path("signature").asText();
        for (int i = 1; i <= NODES; i++) {
            awaitCommitted(ports[NODES + i - 1], signature);
        }
        String fingerprint = null;
        for (int i = 1; i <= NODES; i++) {
            awaitUnlocked(ports[NODES + i - 1]);
            Run loaded = admin("127.0.0.1:" + ports[NODES + i - 1], "load-secret", "--epoch", "1");
            assertEquals(0, loaded.exit(), loaded.toString());
            JsonNode answer = JSON.readTree(loaded.out());
            assertTrue(answer.path("loaded").asBoolean(), loaded.out());
            String f = answer.path("fingerprint").asText();
            assertTrue(f.matches("[0-9a-f]{16}"), "a fingerprint, never the secret: " + loaded.out());
            assertTrue(fingerprint == null || fingerprint.equals(f), "every member unlocks the same secret");
            fingerprint = f;
        }

        String page = scrape(ports[2 * NODES]);
        String node1 = "node=\"" + ids.get(0) + "\"";
        assertTrue(Pattern.compile("^tq_reconfigurations_total\\{" + Pattern.quote(node1) + ",outcome=\"started\"} 1(\\.0)?$",
                Pattern.MULTILINE).matcher(page).find(), page);
        assertTrue(page.contains("tq_ledger_write_seconds_bucket{"), "ledger write latency histogram");
        assertTrue(sample(page, "tq_connected_peers{" + node1 + "}") == NODES - 1, "meshed");
        for (String family : List.of("jvm_memory_used_bytes", "jvm_gc_", "jvm_threads_live_threads", "netty_",
                "vertx_net_", "vertx_pool_", "tq_wire_version_mismatches_total")) {
            assertTrue(page.contains(family), family + " in the scrape");
        }
        assertFalse(page.contains(TOKEN), "no token on the metrics page");

        for (Process p : nodes) {
            p.destroy(); // SIGTERM
        }
        for (int i = 0; i < NODES; i++) {
            Process p = nodes.get(i);
            assertTrue(p.waitFor(STOP_DEADLINE.toSeconds(), TimeUnit.SECONDS), "node " + (i + 1) + " stopped");
            String log = Files.readString(work.resolve("node-" + (i + 1)).resolve("node.log"));
            assertEquals(0, p.exitValue(), "a clean stop exits 0; log:\n" + log);
            assertTrue(log.contains("SIGTERM received; stopping gracefully"), log);
            assertFalse(log.contains(TOKEN), "the token is never logged");
            if (i == 0) {
                for (String l : log.strip().split("\n")) {
                    JsonNode event = JSON.readTree(l);
                    assertTrue(event.has("level") && event.has("formattedMessage") && event.has("timestamp"), l);
                }
                assertTrue(log.contains("\"node\":\"" + ids.get(0) + "\""), "node id in the JSON MDC");
            } else {
                assertTrue(Pattern.compile("^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}(Z|[+-]\\d{2}:\\d{2}) ", Pattern.MULTILINE)
                        .matcher(log).find(), "ISO timestamps with date and zone:\n" + log);
                assertTrue(log.contains("node=" + ids.get(i)), "node id in the MDC:\n" + log);
            }
        }
    }

    /** Waits a little before a retry; always true (for use in a loop condition). */
    private static boolean pause() {
        try {
            Thread.sleep(RETRY_PAUSE_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return true;
    }

    private static Run admin(String node, String... call) throws Exception {
        List<String> args = new ArrayList<>(List.of("admin", "--node", node, "--token", TOKEN));
        args.addAll(List.of(call));
        return run(args.toArray(String[]::new));
    }

    /**
     * Waits until a member has loaded the epoch 1 secret (the first calls answer
     * {@code "loaded": false} while it collects the other members' shares). Polled over HTTP, not
     * with a {@code tq admin} process per attempt.
     */
    private static void awaitUnlocked(int adminPort) throws Exception {
        awaitAnswer(adminPort, "/v1/load-secret", "{\"epoch\": 1}", a -> a.path("loaded").asBoolean());
    }

    /** Commits epoch 1 at a member, retrying while its prepare has not arrived yet (409 NotPrepared). */
    private static void awaitCommitted(int adminPort, String signature) throws Exception {
        awaitAnswer(adminPort, "/v1/commit", "{\"rackId\": \"" + RACK + "\", \"epoch\": 1, \"signature\": \"" + signature + "\"}",
                a -> a.path("status").asText().equals("COMMITTED"));
    }

    private static void awaitAnswer(int adminPort, String path, String body, java.util.function.Predicate<JsonNode> done)
            throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + COMMIT_DEADLINE.toNanos();
        String last;
        do {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path))
                    .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json").timeout(COMMAND_TIMEOUT)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            last = r.statusCode() + " " + r.body();
            if (r.statusCode() == 200 && done.test(JSON.readTree(r.body()))) {
                return;
            }
            Thread.sleep(RETRY_PAUSE_MS);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("POST " + path + " at admin port " + adminPort + " never succeeded; last: " + last);
    }

    private static String scrape(int port) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(COMMAND_TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), "no token needed");
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        return r.body();
    }

    private static double sample(String page, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(page);
        assertTrue(m.find(), "no " + series + " in the scrape");
        return Double.parseDouble(m.group(1));
    }

    private static int[] freePorts(int n) throws IOException {
        List<ServerSocket> held = new ArrayList<>();
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0);
                held.add(s);
                ports[i] = s.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket s : held) {
                s.close();
            }
        }
    }
}
