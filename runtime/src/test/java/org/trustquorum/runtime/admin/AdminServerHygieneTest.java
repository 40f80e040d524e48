package org.trustquorum.runtime.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;
import org.trustquorum.core.api.NodeError;
import org.trustquorum.core.api.NodeStatus;
import org.trustquorum.core.engine.ApiRequest;
import org.trustquorum.core.engine.ApiResponse;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.RackId;
import org.trustquorum.core.model.Result;
import org.trustquorum.core.msg.WireMsg;
import org.trustquorum.runtime.node.NodeSettings;

/**
 * The admin server's hygiene over real HTTP on loopback, against a scripted node: 415 for bodies
 * that are not JSON, the access log (one line per request, its id in a header, never a body or
 * the token; refusals at INFO, 5xx at ERROR), slow clients closed within the bounds, and
 * reconfigurations naming unknown members refused before they reach the node.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AdminServerHygieneTest {
    private static final String TOKEN = "hygiene-test-token-0123456789";
    private static final NodeId SELF = NodeId.parse("TQ-SLED:SN0001");
    private static final NodeId PEER = NodeId.parse("TQ-SLED:SN0002");
    private static final NodeId OTHER = NodeId.parse("TQ-SLED:SN0003");
    private static final RackId RACK = RackId.parse("12345678-9abc-4def-8123-456789abcdef");
    /** Short slow-client bounds, so the test does not wait for the production ones. */
    private static final long HEAD_MS = 500;
    private static final long BODY_MS = 500;
    /**
     * Slack for timers on a loaded 2-core machine (seen: a 700 ms timer firing after 4 s at a
     * load average of 33). The probe's finding was "never closed in 20 s"; this still tells the two apart.
     */
    private static final long SLACK_MS = 8_000;
    private static final long WAIT_MS = 30_000;

    private Vertx vertx;
    private AdminServer server;
    private int port;
    private final Backend backend = new Backend();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final ListAppender<ILoggingEvent> accessLines = new ListAppender<>();
    private final ListAppender<ILoggingEvent> guardLines = new ListAppender<>();

    /** A node that answers as the test says and counts its calls. */
    private static final class Backend implements AdminBackend {
        final List<ApiRequest> calls = new CopyOnWriteArrayList<>();
        volatile Function<ApiRequest, ApiResponse> answer = r -> new ApiResponse.SecretsCleared();
        volatile Set<NodeId> certified = Set.of(PEER);

        @Override
        public NodeId id() {
            return SELF;
        }

        @Override
        public Future<ApiResponse> call(ApiRequest request) {
            calls.add(request);
            return Future.succeededFuture(answer.apply(request));
        }

        @Override
        public Future<NodeView> view() {
            NodeStatus s = new NodeStatus(SELF, List.copyOf(certified), List.of(), null, List.of(), List.of(), List.of(), null,
                    null, null, List.of());
            return Future.succeededFuture(new NodeView(s, List.of(), certified));
        }

        @Override
        public Future<Optional<WireMsg.NetworkConfig>> networkConfig() {
            return Future.succeededFuture(Optional.empty());
        }

        @Override
        public Future<String> metricsText() {
            return Future.succeededFuture("");
        }

        @Override
        public void countRequest() {}
    }

    private static Logger logback(String name) {
        return (Logger) LoggerFactory.getLogger(name);
    }

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        server = new AdminServer(vertx, backend, new NodeSettings.Admin("127.0.0.1", 0, TOKEN),
                new AdminServer.Timeouts(HEAD_MS, BODY_MS));
        port = server.listen().await(WAIT_MS, TimeUnit.MILLISECONDS);
        accessLines.start();
        logback(AccessLog.LOGGER).addAppender(accessLines);
        logback(AccessLog.LOGGER).setLevel(Level.INFO);
        guardLines.start();
        logback(SlowClientGuard.class.getName()).addAppender(guardLines);
    }

    @AfterEach
    void stop() throws Exception {
        logback(AccessLog.LOGGER).detachAppender(accessLines);
        logback(SlowClientGuard.class.getName()).detachAppender(guardLines);
        server.close().await(WAIT_MS, TimeUnit.MILLISECONDS);
        vertx.close().await(WAIT_MS, TimeUnit.MILLISECONDS);
    }

    private HttpResponse<String> send(String method, String path, String contentType, String body, boolean token)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofMillis(WAIT_MS));
        if (token) {
            b.header("Authorization", "Bearer " + TOKEN);
        }
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return ApiJson.MAPPER.readTree(r.body());
    }

    private static void awaitTrue(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
            Thread.sleep(10);
        }
    }

    @Test
    void aBodyThatIsNotJsonIs415AndNeverReachesTheNode() throws Exception {
        HttpResponse<String> plain = send("POST", "/v1/load-secret", "text/plain", "{\"epoch\": 1}", true);
        assertEquals(415, plain.statusCode(), plain.body());
        assertEquals("UnsupportedMediaType", json(plain).path("code").asText());
        assertTrue(json(plain).path("message").asText().contains("application/json"), plain.body());
        HttpResponse<String> none = send("POST", "/v1/load-secret", null, "{\"epoch\": 1}", true);
        assertEquals(415, none.statusCode(), none.body());
        assertEquals(List.of(), backend.calls, "nothing ran");

        HttpResponse<String> json = send("POST", "/v1/load-secret", "Application/JSON; charset=utf-8", "{\"epoch\": 1}", true);
        backend.answer = r -> new ApiResponse.SecretsCleared();
        assertEquals(200, send("POST", "/v1/clear-secrets", null, null, true).statusCode(), "no body needs no type");
        assertEquals(List.of(new ApiRequest.LoadRackSecret(Epoch.of(1)), new ApiRequest.ClearSecrets()), backend.calls,
                json.body());
    }

    @Test
    void everyRequestLeavesOneAccessLineWithItsIdAndNeverABodyOrTheToken() throws Exception {
        backend.answer = r -> {
            if (r instanceof ApiRequest.LoadRackSecret l) {
                return new ApiResponse.SecretLoaded(Result.err(new NodeError.NotCommitted(l.epoch())));
            }
            if (r instanceof ApiRequest.ClearSecrets) {
                throw new IllegalStateException("scripted failure");
            }
            return new ApiResponse.StatusReport(new NodeStatus(SELF, List.of(), List.of(), null, List.of(), List.of(),
                    List.of(), null, null, null, List.of()));
        };
        List<HttpResponse<String>> answers = new ArrayList<>();
        answers.add(send("GET", "/v1/status", null, null, true));
        answers.add(send("GET", "/v1/status", null, null, false));
        answers.add(send("GET", "/v1/nope%00\u0422", null, null, true));
        answers.add(send("POST", "/v1/load-secret", "application/json", "{\"epoch\": 424242}", true));
        answers.add(send("POST", "/v1/clear-secrets", null, null, true));
        assertEquals(List.of(200, 401, 404, 409, 500), answers.stream().map(HttpResponse::statusCode).toList());
        awaitTrue("5 access lines", () -> accessLines.list.size() >= answers.size());
        Thread.sleep(100);
        assertEquals(answers.size(), accessLines.list.size(), "one line per request");
        List<Level> levels = List.of(Level.INFO, Level.INFO, Level.INFO, Level.INFO, Level.ERROR);
        Set<String> ids = new java.util.HashSet<>();
        for (int i = 0; i < answers.size(); i++) {
            String id = answers.get(i).headers().firstValue(AccessLog.REQUEST_ID_HEADER).orElseThrow();
            assertTrue(ids.add(id), "request ids are unique");
            ILoggingEvent line = accessLines.list.get(i);
            String text = line.getFormattedMessage();
            assertTrue(text.contains(" " + id + " "), text);
            assertTrue(text.contains(" " + answers.get(i).statusCode() + " "), text);
            assertTrue(text.matches(".* \\d+\\.\\dms from .*"), "latency: " + text);
            assertEquals(levels.get(i), line.getLevel(), text);
            assertFalse(text.contains(TOKEN) || text.contains("424242"), "no token, no body: " + text);
            assertTrue(text.chars().allMatch(c -> c >= ' ' && c <= '~'), "printable: " + text);
        }
        assertTrue(accessLines.list.get(0).getFormattedMessage().contains("GET /v1/status 200"));
        assertTrue(accessLines.list.get(2).getFormattedMessage().contains("unknown path \"/v1/nope"),
                accessLines.list.get(2).getFormattedMessage());
        String internal = json(answers.get(4)).path("message").asText();
        assertFalse(internal.contains("Exception") || internal.contains("scripted"), "no internals in the answer: " + internal);
        assertTrue(internal.contains(answers.get(4).headers().firstValue(AccessLog.REQUEST_ID_HEADER).orElseThrow()), internal);
    }

    /** Sends a byte of header every 100 ms until the server closes the connection; returns how long it stayed open. */
    private long trickleUntilClosed(String head) throws IOException {
        long start = System.nanoTime();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), (int) WAIT_MS);
            s.setSoTimeout(100);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            long deadline = start + TimeUnit.MILLISECONDS.toNanos(HEAD_MS + 2 * SLACK_MS);
            while (System.nanoTime() < deadline) {
                try {
                    out.write('x');
                    out.flush();
                } catch (IOException closed) {
                    break;
                }
                try {
                    if (in.read(new byte[4096]) < 0) {
                        break;
                    }
                } catch (SocketTimeoutException stillOpen) {
                    // keep trickling
                } catch (IOException reset) {
                    break;
                }
            }
        }
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    @Test
    void slowlorisConnectionsAreClosedWithinTheHeadBoundWhileOthersAreServed() throws Exception {
        int clients = 20;
        List<java.util.concurrent.CompletableFuture<Long>> open = new ArrayList<>();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(clients);
        for (int i = 0; i < clients; i++) {
            open.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return trickleUntilClosed("GET /v1/status HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, pool));
        }
        backend.answer = r -> new ApiResponse.StatusReport(new NodeStatus(SELF, List.of(), List.of(), null, List.of(),
                List.of(), List.of(), null, null, null, List.of()));
        assertEquals(200, send("GET", "/v1/status", null, null, true).statusCode(), "served during the trickle");
        for (var f : open) {
            long ms = f.get(HEAD_MS + 3 * SLACK_MS, TimeUnit.MILLISECONDS);
            assertTrue(ms >= HEAD_MS - 100 && ms <= HEAD_MS + SLACK_MS, "closed after " + ms + " ms");
        }
        pool.shutdown();
        awaitTrue("the guard's log", () -> !guardLines.list.isEmpty());
        assertTrue(guardLines.list.get(0).getFormattedMessage().contains("no complete request within " + HEAD_MS + " ms"));
        assertTrue(guardLines.list.size() <= org.trustquorum.runtime.log.RateLimitedLog.MAX_LINES_PER_WINDOW,
                "rate-limited: " + guardLines.list.size());
    }

    @Test
    void aBodyThatTricklesIsRefusedWith408() throws Exception {
        long start = System.nanoTime();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), (int) WAIT_MS);
            s.setSoTimeout((int) (BODY_MS + SLACK_MS));
            s.getOutputStream().write(("POST /v1/load-secret HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN
                    + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"epoch\"").getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(answer.startsWith("HTTP/1.1 408"), answer);
            assertTrue(answer.contains("did not arrive within " + BODY_MS + " ms"), answer);
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(ms >= BODY_MS - 100 && ms <= BODY_MS + SLACK_MS, "answered after " + ms + " ms");
        assertEquals(List.of(), backend.calls);
    }

    private static String reconfigure(NodeId... members) {
        StringBuilder m = new StringBuilder();
        for (NodeId id : members) {
            m.append(m.isEmpty() ? "" : ", ").append('"').append(id).append('"');
        }
        return "{\"rackId\": \"" + RACK + "\", \"epoch\": 1, \"lastCommittedEpoch\": 0, \"threshold\": 2, \"members\": [" + m + "]}";
    }

    @Test
    void aReconfigurationNamingMembersTheNodeCannotKnowIsRefusedUpFront() throws Exception {
        backend.answer = r -> new ApiResponse.Reconfigured(Result.ok(org.trustquorum.core.protocol.ReconfigureOutcome.STARTED));
        HttpResponse<String> r = send("POST", "/v1/reconfigure", "application/json", reconfigure(SELF, PEER, OTHER), true);
        assertEquals(409, r.statusCode(), r.body());
        assertEquals(AdminServer.UNKNOWN_MEMBERS, json(r).path("code").asText());
        String m = json(r).path("message").asText();
        assertTrue(m.contains("TQ-SLED:SN0003") && !m.contains("TQ-SLED:SN0002"), m);
        assertEquals(List.of(), backend.calls, "the node never saw it");

        backend.certified = Set.of(PEER, OTHER);
        HttpResponse<String> ok = send("POST", "/v1/reconfigure", "application/json", reconfigure(SELF, PEER, OTHER), true);
        assertEquals(200, ok.statusCode(), ok.body());
        assertEquals(1, backend.calls.size());
    }

    @Test
    void theProbesIdsAreRefusedWith400NamingTheId() throws Exception {
        HttpResponse<String> r = send("POST", "/v1/reconfigure", "application/json", "{\"rackId\": \"" + RACK + "\", \"epoch\": 3,"
                + " \"lastCommittedEpoch\": 2, \"threshold\": 2, \"members\": [\"TQ-SLED:SN0001\", \"\u0422Q-SL\u0415D:SN0002\","
                + " \"\uD83D\uDCA3:\\u0000x\"]}", true);
        assertEquals(400, r.statusCode(), r.body());
        String m = json(r).path("message").asText();
        assertTrue(m.startsWith("members[1]: the part number \"\\u0422Q-SL\\u0415D\" contains the non-ASCII character U+0422"), m);
        assertEquals(List.of(), backend.calls);
    }
}
