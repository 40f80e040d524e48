package org.trustquorum.runtime.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trustquorum.core.engine.ApiRequest;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.NodeIdRule;
import org.trustquorum.runtime.node.NodeSettings;

/**
 * The node's admin API: HTTP/JSON on its own listener (loopback unless configured otherwise),
 * built on Vert.x core's HTTP server.
 *
 * <p>Every route except {@code /health} requires {@code Authorization: Bearer <token>}; the token
 * is compared in constant time (both sides are hashed first, so not even its length leaks). A
 * missing or wrong token is a 401 whatever the path. Then: unknown path 404, wrong method 405 (with
 * {@code Allow}), a body over {@link #MAX_BODY_BYTES} 413, malformed JSON or a missing or malformed
 * field 400 with a message naming the problem, a body that is not {@code application/json} 415.
 * A reconfiguration naming a member this node does not know as a holder of a rack certificate is
 * refused with 409 {@code UnknownMembers} before it reaches the node. The node's own errors come
 * back as 409/422 with the error's variant name as {@code code} and a message in words that names
 * what the node holds and what was asked. Bad input never affects the node.
 *
 * <p>Every request gets a request id (header {@value AccessLog#REQUEST_ID_HEADER}) and one line in
 * the {@link AccessLog}. A client must send a complete request head within
 * {@link Timeouts#headMs} of connecting (or of its previous answer) and a body within
 * {@link Timeouts#bodyMs} of its head, or the connection is closed ({@link SlowClientGuard}).
 */
public final class AdminServer {
    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);

    /** Largest request body accepted (a configuration with a long secret chain fits easily). */
    public static final int MAX_BODY_BYTES = 1024 * 1024;
    /** An admin call still unanswered after this long gets a 503 (proxied calls have their own, shorter deadline). */
    public static final long CALL_TIMEOUT_MS = 60_000;
    /** Longest request line (method, path, query) accepted. */
    public static final int MAX_INITIAL_LINE_BYTES = 4 * 1024;
    /** Largest total size of request headers accepted. */
    public static final int MAX_HEADER_BYTES = 8 * 1024;
    /** Admin connections on which nothing at all is read or written for this long are closed. */
    public static final int IDLE_TIMEOUT_SECONDS = 30;
    /** A complete request head (request line and headers) must arrive within this long of connecting or of the previous answer. */
    public static final long REQUEST_HEAD_TIMEOUT_MS = 10_000;
    /** A complete request body must arrive within this long of its head (1 MiB at ~100 KiB/s). */
    public static final long REQUEST_BODY_TIMEOUT_MS = 10_000;
    static {
        // A held watch must be answered before the server gives up on the call or closes the idle connection.
        if (ApiRequest.Watch.MAX_WAIT_MS >= CALL_TIMEOUT_MS || ApiRequest.Watch.MAX_WAIT_MS >= IDLE_TIMEOUT_SECONDS * 1000L) {
            throw new IllegalStateException("watch wait " + ApiRequest.Watch.MAX_WAIT_MS + " ms exceeds the admin timeouts");
        }
    }

    /** The code of a reconfiguration refused because it names members this node does not know. */
    static final String UNKNOWN_MEMBERS = "UnknownMembers";

    /** The slow-client bounds (production: {@link #DEFAULT_TIMEOUTS}; tests use shorter ones). */
    public record Timeouts(long headMs, long bodyMs) {}

    public static final Timeouts DEFAULT_TIMEOUTS = new Timeouts(REQUEST_HEAD_TIMEOUT_MS, REQUEST_BODY_TIMEOUT_MS);

    private static final String BEARER = "Bearer ";
    private static final String JSON = "application/json";

    private final Vertx vertx;
    private final AdminBackend node;
    private final NodeSettings.Admin settings;
    private final byte[] tokenDigest;
    private final Timeouts timeouts;
    private final AccessLog accessLog = new AccessLog();
    private SlowClientGuard guard;
    private HttpServer server;

    public AdminServer(Vertx vertx, AdminBackend node, NodeSettings.Admin settings) {
        this(vertx, node, settings, DEFAULT_TIMEOUTS);
    }

    public AdminServer(Vertx vertx, AdminBackend node, NodeSettings.Admin settings, Timeouts timeouts) {
        this.vertx = vertx;
        this.node = node;
        this.settings = settings;
        this.tokenDigest = sha256(settings.token());
        this.timeouts = timeouts;
    }

    /** Starts listening; completes with the bound port. */
    public Future<Integer> listen() {
        server = vertx.createHttpServer(new HttpServerOptions().setHost(settings.host()).setPort(settings.port())
                .setMaxInitialLineLength(MAX_INITIAL_LINE_BYTES).setMaxHeaderSize(MAX_HEADER_BYTES)
                .setIdleTimeout(IDLE_TIMEOUT_SECONDS).setDecompressionSupported(false).setHttp2ClearTextEnabled(false));
        guard = new SlowClientGuard(vertx, timeouts.headMs(), node.id().toString());
        server.connectionHandler(guard::opened);
        server.requestHandler(this::handle);
        return server.listen().map(HttpServer::actualPort);
    }

    public Future<Void> close() {
        return server == null ? Future.succeededFuture() : server.close();
    }

    private void handle(HttpServerRequest req) {
        node.countRequest();
        String requestId = accessLog.newRequestId();
        long startNanos = System.nanoTime();
        guard.requestStarted(req.connection());
        HttpServerResponse res = req.response();
        res.putHeader(AccessLog.REQUEST_ID_HEADER, requestId);
        boolean[] logged = {false};
        Runnable finished = () -> {
            if (logged[0]) {
                return;
            }
            logged[0] = true;
            guard.requestFinished(req.connection());
            accessLog.finished(requestId, req.method().name(), Route.ofPath(req.path()), req.path(),
                    res.ended() ? res.getStatusCode() : 0, (System.nanoTime() - startNanos) / 1_000, String.valueOf(req.remoteAddress()));
        };
        res.endHandler(v -> finished.run());
        res.closeHandler(v -> finished.run());
        guarded(req, () -> route(req));
    }

    /** Runs a step of a request; if it throws, the client gets a 500 naming the request id, the log the details. */
    private void guarded(HttpServerRequest req, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            String requestId = req.response().headers().get(AccessLog.REQUEST_ID_HEADER);
            LOG.error("{}: admin request {} ({} {}) failed", node.id(), requestId, req.method(), req.path(), e);
            respond(req, AdminProtocol.failure(500, "InternalError",
                    "internal error; the node's log has the details under request " + requestId));
        }
    }

    private void route(HttpServerRequest req) {
        String path = req.path();
        Route route = Route.ofPath(path);
        if ((route == null || !route.open()) && !authorized(req)) {
            req.response().putHeader("WWW-Authenticate", "Bearer");
            respond(req, AdminProtocol.failure(401, "Unauthorized", "missing or wrong bearer token"));
            return;
        }
        if (route == null) {
            respond(req, AdminProtocol.failure(404, "NotFound", "no such path: "
                    + NodeIdRule.quote(path)));
            return;
        }
        String method = req.method().name();
        if (!route.methods.contains(method)) {
            req.response().putHeader("Allow", String.join(", ", new TreeSet<>(route.methods)));
            respond(req, AdminProtocol.failure(405, "MethodNotAllowed", method + " is not allowed on " + path
                    + " (allowed: " + String.join(", ", new TreeSet<>(route.methods)) + ")"));
            return;
        }
        switch (route) {
            case HEALTH -> respond(req, AdminProtocol.ok(AdminProtocol.obj().put("status", "ok")));
            case METRICS -> node.metricsText().onComplete(ar -> {
                if (ar.succeeded()) {
                    req.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                            .end(ar.result());
                } else {
                    respond(req, AdminProtocol.failure(503, "Unavailable", "metrics unavailable"));
                }
            });
            case NETWORK_CONFIG -> {
                if (method.equals("GET")) {
                    node.networkConfig().onComplete(ar -> {
                        if (ar.failed()) {
                            respond(req, AdminProtocol.failure(503, "Unavailable", ar.cause().getMessage()));
                            return;
                        }
                        ObjectNode body = AdminProtocol.obj().put("present", ar.result().isPresent());
                        ar.result().ifPresent(nc -> body.put("generation", nc.generation())
                                .put("blob", Base64.getEncoder().encodeToString(nc.blob())));
                        respond(req, AdminProtocol.ok(body));
                    });
                } else {
                    withBody(req, route);
                }
            }
            case STATUS -> runCall(req, route, null);
            default -> withBody(req, route);
        }
    }

    /** Reads the body within the size and time limits, then runs the call. */
    private void withBody(HttpServerRequest req, Route route) {
        String type = req.getHeader("Content-Type");
        if (type != null && !isJson(type)) {
            unsupportedType(req, type);
            return;
        }
        String declared = req.getHeader("Content-Length");
        if (declared != null) {
            long n;
            try {
                n = Long.parseLong(declared.trim());
            } catch (NumberFormatException e) {
                respond(req, AdminProtocol.failure(400, "BadRequest", "Content-Length is not a number"));
                return;
            }
            if (n > MAX_BODY_BYTES) {
                tooLarge(req);
                return;
            }
        }
        Buffer body = Buffer.buffer();
        boolean[] refused = {false};
        long bodyTimer = vertx.setTimer(timeouts.bodyMs(), id -> {
            if (!refused[0]) {
                refused[0] = true;
                req.response().putHeader("Connection", "close");
                respond(req, AdminProtocol.failure(408, "RequestTimeout", "the request body did not arrive within "
                        + timeouts.bodyMs() + " ms"));
                req.connection().close();
            }
        });
        req.handler(chunk -> {
            if (refused[0]) {
                return;
            }
            if (body.length() + chunk.length() > MAX_BODY_BYTES) {
                refused[0] = true;
                tooLarge(req);
                return;
            }
            body.appendBuffer(chunk);
        });
        req.exceptionHandler(e -> {
            refused[0] = true;
            vertx.cancelTimer(bodyTimer);
        });
        req.endHandler(v -> guarded(req, () -> {
            vertx.cancelTimer(bodyTimer);
            if (refused[0]) {
                return;
            }
            if (type == null && body.length() > 0) {
                unsupportedType(req, "(none)");
                return;
            }
            runCall(req, route, body);
        }));
    }

    /** True for {@code application/json}, with or without parameters ({@code ; charset=utf-8}). */
    static boolean isJson(String contentType) {
        int semi = contentType.indexOf(';');
        String media = (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
        return media.equals(JSON);
    }

    private static void unsupportedType(HttpServerRequest req, String type) {
        respond(req, AdminProtocol.failure(415, "UnsupportedMediaType", "request bodies must be " + JSON + "; got "
                + NodeIdRule.quote(type)));
    }

    private void tooLarge(HttpServerRequest req) {
        req.response().putHeader("Connection", "close");
        respond(req, AdminProtocol.failure(413, AdminProtocol.PAYLOAD_TOO_LARGE, "request body exceeds " + MAX_BODY_BYTES + " bytes"));
    }

    private void runCall(HttpServerRequest req, Route route, Buffer body) {
        ApiRequest request;
        try {
            request = AdminProtocol.parseBody(route, body == null ? null : body.getBytes());
        } catch (BadRequest e) {
            respond(req, AdminProtocol.failure(e.status(), e.code(), e.getMessage()));
            return;
        }
        if (request instanceof ApiRequest.Reconfigure r) {
            node.view().onComplete(ar -> {
                if (ar.failed()) {
                    respond(req, AdminProtocol.failure(503, "Unavailable", "the node could not run the call: "
                            + ar.cause().getMessage()));
                    return;
                }
                List<NodeId> unknown = r.request().members().stream()
                        .filter(m -> !ar.result().knows(m)).toList();
                if (!unknown.isEmpty()) {
                    respond(req, AdminProtocol.failure(409, UNKNOWN_MEMBERS, "this node knows no certificate of the rack"
                            + " for " + Refusals.ids(unknown) + ": none of them has connected to it, and no configuration"
                            + " it holds names them; a node can be added once it has connected to its coordinator"));
                    return;
                }
                guarded(req, () -> callNode(req, request));
            });
            return;
        }
        callNode(req, request);
    }

    private void callNode(HttpServerRequest req, ApiRequest request) {
        long timer = vertx.setTimer(CALL_TIMEOUT_MS, id -> respond(req, AdminProtocol.failure(503, "Unavailable",
                "no answer from the node within " + CALL_TIMEOUT_MS + " ms")));
        node.call(request).onComplete(ar -> {
            vertx.cancelTimer(timer);
            if (ar.failed()) {
                respond(req, AdminProtocol.failure(503, "Unavailable", "the node could not run the call: "
                        + ar.cause().getMessage()));
                return;
            }
            if (!AdminProtocol.isNodeError(ar.result())) {
                // Always convert, even if the client left: this is where a loaded secret is closed.
                respond(req, AdminProtocol.answer(ar.result()));
                return;
            }
            // An error: say what the node holds too.
            node.view().onComplete(view -> respond(req, AdminProtocol.answer(ar.result(), request,
                    view.succeeded() ? view.result() : null)));
        });
    }

    private static void respond(HttpServerRequest req, AdminProtocol.Answer answer) {
        HttpServerResponse res = req.response();
        if (res.ended() || res.closed()) {
            return;
        }
        byte[] bytes;
        try {
            bytes = ApiJson.MAPPER.writeValueAsBytes(answer.body());
        } catch (JsonProcessingException e) {
            LOG.error("cannot write an admin answer: {}", e.getOriginalMessage());
            res.setStatusCode(500).end();
            return;
        }
        res.setStatusCode(answer.status()).putHeader("Content-Type", JSON).putHeader("Cache-Control", "no-store")
                .end(Buffer.buffer(bytes));
    }

    private boolean authorized(HttpServerRequest req) {
        String h = req.getHeader("Authorization");
        if (h == null || !h.startsWith(BEARER)) {
            return false;
        }
        return MessageDigest.isEqual(tokenDigest, sha256(h.substring(BEARER.length()).trim()));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }
}
