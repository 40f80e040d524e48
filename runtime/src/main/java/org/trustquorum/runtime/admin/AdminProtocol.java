package org.trustquorum.runtime.admin;

import org.trustquorum.core.model.CpSignature;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import org.trustquorum.core.api.CommitStatus;
import org.trustquorum.core.api.NodeError;
import org.trustquorum.core.api.NodeStatus;
import org.trustquorum.core.api.ReconfigureRequest;
import org.trustquorum.core.crypto.RackSecret;
import org.trustquorum.core.engine.ApiRequest;
import org.trustquorum.core.engine.ApiResponse;
import org.trustquorum.core.engine.NetworkConfigGossip;
import org.trustquorum.core.engine.ProxyError;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.Result;
import org.trustquorum.core.model.Threshold;
import org.trustquorum.core.msg.ProxyOp;
import org.trustquorum.core.msg.ProxyResult;
import org.trustquorum.core.protocol.ReconfigureOutcome;

/**
 * How the node API travels over HTTP/JSON, in both directions: the server turns a request body
 * into an {@link ApiRequest} and an {@link ApiResponse} into a status and a body; the client does
 * the reverse. Keeping both halves here keeps them in step.
 *
 * <p>Success bodies: {@code {"outcome": "STARTED"}} (reconfigure), {@code {"status": "COMMITTED"}}
 * (commit, prepare-and-commit, proxied commits), a node status object (status, proxied status),
 * {@code {"loaded": true, "epoch": 3, "fingerprint": "..."}} (load-secret; never the secret),
 * {@code {"generation": 7}} (network-config update), {@code {"version": 12, "status": {...}}} (watch).
 * Error bodies:
 * {@code {"code": "NotPrepared", "message": "...", "error": {"type": "NotPrepared", ...}}} where
 * {@code error} is the node's (or the proxy's) typed error; the node's own errors use 409 (conflict
 * with its state) or 422 (a request it can never accept), proxy failures 502/503/504.
 */
public final class AdminProtocol {
    private AdminProtocol() {}

    /** A status and a JSON body. */
    public record Answer(int status, JsonNode body) {}

    /** An HTTP request of the client: method, path and body (null for GET). */
    public record HttpCall(String method, String path, JsonNode body) {}

    /** What a load-secret call returned: whether the secret is loaded and, if so, its fingerprint. */
    public record SecretView(boolean loaded, Epoch epoch, String fingerprint) {}

    // ---------------------------------------------------------------------------------------
    // Server side: request bodies

    /** Code of a 400 for a body that is not JSON. */
    static final String MALFORMED_JSON = "MalformedJson";
    /** Code of a 413 for a body over {@link AdminServer#MAX_BODY_BYTES}. */
    static final String PAYLOAD_TOO_LARGE = "PayloadTooLarge";

    /**
     * The node API request for a route and its raw body (null or empty for none): the whole
     * parsing and validation layer of the admin API, without HTTP. Every refusal is a
     * {@link BadRequest}: 400 {@code MalformedJson} (not JSON), 400 {@code BadRequest} (not an
     * object, a field missing, unknown or malformed) or 413 {@code PayloadTooLarge}.
     *
     * @throws IllegalArgumentException for {@link Route#METRICS} and {@link Route#HEALTH}, which are not node calls
     */
    public static ApiRequest parseBody(Route route, byte[] body) throws BadRequest {
        if (route == Route.METRICS || route == Route.HEALTH) {
            throw new IllegalArgumentException(route + " is not a node API call");
        }
        if (body != null && body.length > AdminServer.MAX_BODY_BYTES) {
            throw new BadRequest(413, PAYLOAD_TOO_LARGE, "request body exceeds " + AdminServer.MAX_BODY_BYTES + " bytes");
        }
        JsonNode json = null;
        if (body != null && body.length > 0) {
            try {
                json = ApiJson.MAPPER.readTree(body);
            } catch (JsonProcessingException e) {
                throw new BadRequest(400, MALFORMED_JSON, "malformed JSON: " + Fields.firstLine(e.getOriginalMessage()));
            } catch (java.io.IOException e) {
                throw new BadRequest(400, MALFORMED_JSON, "malformed JSON");
            }
        }
        return parse(route, json);
    }

    /** The node API request for a route and its body (null body for GET). */
    static ApiRequest parse(Route route, JsonNode body) throws BadRequest {
        return switch (route) {
            case STATUS -> new ApiRequest.Status();
            case RECONFIGURE -> {
                Fields f = Fields.of(body, Set.of("epoch", "lastCommittedEpoch", "members", "threshold", "rackId",
                        SIGNATURE));
                ReconfigureRequest r;
                try {
                    r = new ReconfigureRequest(f.rackId("rackId"), f.epoch("epoch"), f.epoch("lastCommittedEpoch"),
                            f.nodeIds("members"), Threshold.of(f.integer("threshold")), f.signature(SIGNATURE));
                } catch (IllegalArgumentException e) {
                    throw new BadRequest("invalid reconfiguration: " + e.getMessage());
                }
                yield new ApiRequest.Reconfigure(r);
            }
            case COMMIT -> {
                Fields f = Fields.of(body, Set.of("rackId", "epoch", SIGNATURE));
                yield new ApiRequest.Commit(f.rackId("rackId"), f.epoch("epoch"), f.signature(SIGNATURE));
            }
            case PREPARE_AND_COMMIT -> {
                Fields f = Fields.of(body, Set.of("config", SIGNATURE));
                yield new ApiRequest.PrepareAndCommit(f.config("config"), f.signature(SIGNATURE));
            }
            case LOAD_SECRET -> new ApiRequest.LoadRackSecret(Fields.of(body, Set.of("epoch")).epoch("epoch"));
            case CLEAR_SECRETS -> {
                if (body != null && !(body.isObject() && body.isEmpty())) {
                    throw new BadRequest("clear-secrets takes an empty JSON object or no body");
                }
                yield new ApiRequest.ClearSecrets();
            }
            case PROXY_COMMIT -> {
                Fields f = Fields.of(body, Set.of("to", "rackId", "epoch", SIGNATURE));
                yield new ApiRequest.Proxy(f.nodeId("to"),
                        new ProxyOp.Commit(f.rackId("rackId"), f.epoch("epoch"), f.signature(SIGNATURE)));
            }
            case PROXY_PREPARE_AND_COMMIT -> {
                Fields f = Fields.of(body, Set.of("to", "config", SIGNATURE));
                yield new ApiRequest.Proxy(f.nodeId("to"),
                        new ProxyOp.PrepareAndCommit(f.config("config"), f.signature(SIGNATURE)));
            }
            case PROXY_STATUS -> new ApiRequest.Proxy(Fields.of(body, Set.of("to")).nodeId("to"), new ProxyOp.Status());
            case WATCH -> {
                Fields f = Fields.of(body, Set.of(KNOWN_VERSION, MAX_WAIT_MS));
                long maxWaitMs = f.nonNegativeLong(MAX_WAIT_MS);
                if (maxWaitMs > ApiRequest.Watch.MAX_WAIT_MS) {
                    throw new BadRequest("field '" + MAX_WAIT_MS + "' must be at most " + ApiRequest.Watch.MAX_WAIT_MS);
                }
                yield new ApiRequest.Watch(f.nonNegativeLong(KNOWN_VERSION), maxWaitMs);
            }
            case NETWORK_CONFIG -> {
                Fields f = Fields.of(body, Set.of("generation", "blob"));
                yield new ApiRequest.UpdateNetworkConfig(f.nonNegativeLong("generation"), f.base64("blob"));
            }
            case METRICS, HEALTH -> throw new IllegalArgumentException(route + " is not a node API call");
        };
    }

    // ---------------------------------------------------------------------------------------
    // Server side: responses

    /**
     * The HTTP answer for a node response. A loaded rack secret is reduced to its fingerprint and
     * closed here, whatever happens to the answer afterwards.
     */
    static Answer answer(ApiResponse response) {
        return answer(response, null, null);
    }

    /**
     * The HTTP answer for a node response to {@code asked}; an error's message names what
     * {@code stored} (the answering node's view, or null if unknown) holds.
     */
    static Answer answer(ApiResponse response, ApiRequest asked, NodeView stored) {
        return switch (response) {
            case ApiResponse.Reconfigured r -> switch (r.result()) {
                case Result.Ok<ReconfigureOutcome, NodeError.ReconfigureError> ok ->
                        ok(obj().put("outcome", ok.value().name()));
                case Result.Err<ReconfigureOutcome, NodeError.ReconfigureError> err -> nodeError(err.error(), asked, stored);
            };
            case ApiResponse.Committed c -> switch (c.result()) {
                case Result.Ok<CommitStatus, NodeError.CommitError> ok -> ok(obj().put("status", ok.value().name()));
                case Result.Err<CommitStatus, NodeError.CommitError> err -> nodeError(err.error(), asked, stored);
            };
            case ApiResponse.PreparedAndCommitted p -> switch (p.result()) {
                case Result.Ok<CommitStatus, NodeError.PrepareAndCommitError> ok -> ok(obj().put("status", ok.value().name()));
                case Result.Err<CommitStatus, NodeError.PrepareAndCommitError> err -> nodeError(err.error(), asked, stored);
            };
            case ApiResponse.SecretLoaded s -> switch (s.result()) {
                case Result.Ok<Optional<RackSecret>, NodeError.LoadSecretError> ok -> ok(secretView(ok.value()));
                case Result.Err<Optional<RackSecret>, NodeError.LoadSecretError> err -> nodeError(err.error(), asked, stored);
            };
            case ApiResponse.StatusReport s -> ok(ApiJson.MAPPER.valueToTree(s.status()));
            case ApiResponse.SecretsCleared s -> ok(obj().put("cleared", true));
            case ApiResponse.Watched w -> {
                ObjectNode b = obj().put(VERSION, w.version());
                b.set(STATUS, ApiJson.MAPPER.valueToTree(w.status()));
                yield ok(b);
            }
            case ApiResponse.Proxied p -> switch (p.result()) {
                case Result.Ok<ProxyResult, ProxyError> ok -> switch (ok.value()) {
                    case ProxyResult.Commit c -> ok(obj().put("status", c.status().name()));
                    case ProxyResult.Status st -> ok(ApiJson.MAPPER.valueToTree(st.status()));
                    case ProxyResult.Failed f -> nodeError(f.error(), asked, null);
                };
                case Result.Err<ProxyResult, ProxyError> err -> proxyError(err.error(), asked);
            };
            case ApiResponse.NetworkConfigUpdated n -> switch (n.result()) {
                case Result.Ok<Long, NetworkConfigGossip.UpdateError> ok -> ok(obj().put("generation", ok.value()));
                case Result.Err<Long, NetworkConfigGossip.UpdateError> err -> updateError(err.error());
            };
        };
    }

    /** Takes the fingerprint and closes the secret; the body never holds secret bytes. */
    private static ObjectNode secretView(Optional<RackSecret> secret) {
        if (secret.isEmpty()) {
            return obj().put("loaded", false);
        }
        try (RackSecret s = secret.get()) {
            return obj().put("loaded", true).put("fingerprint", s.fingerprint());
        }
    }

    static Answer ok(JsonNode body) {
        return new Answer(200, body);
    }

    static ObjectNode obj() {
        return ApiJson.MAPPER.createObjectNode();
    }

    /** A generic refusal (bad request, unauthorized, ...) with no typed error. */
    public static Answer failure(int status, String code, String message) {
        return new Answer(status, obj().put("code", code).put("message", message));
    }

    private static Answer typed(int status, Object error, String message) {
        ObjectNode body = obj().put("code", ApiJson.variantName(error)).put("message", message);
        body.set("error", ApiJson.MAPPER.valueToTree(error));
        return new Answer(status, body);
    }

    /** The status for a node error: 422 for a request the node can never accept, 409 for a conflict with its state. */
    public static int statusOf(NodeError e) {
        return switch (e) {
            case NodeError.CoordinatorMustBeAMemberOfNewGroup x -> 422;
            case NodeError.ThresholdMismatch x -> 422;
            case NodeError.InvalidMembershipSize x -> 422;
            case NodeError.InvalidThreshold x -> 422;
            case NodeError.NotAMember x -> 422;
            case NodeError.InvalidRackId x -> 409;
            case NodeError.Expunged x -> 409;
            case NodeError.LastCommittedEpochMismatch x -> 409;
            case NodeError.PreparedEpochMismatch x -> 409;
            case NodeError.ReconfigurationInProgress x -> 409;
            case NodeError.MismatchedReconfiguration x -> 409;
            case NodeError.NotPrepared x -> 409;
            case NodeError.ConfigurationMismatch x -> 409;
            case NodeError.NoCommittedConfigurations x -> 409;
            case NodeError.NotCommitted x -> 409;
            case NodeError.NotAvailable x -> 409;
            case NodeError.Alarmed x -> 409;
            case NodeError.Unauthorized x -> 403;
        };
    }

    /** True if the response is the answering node's own error (not a proxied one). */
    static boolean isNodeError(ApiResponse response) {
        return switch (response) {
            case ApiResponse.Reconfigured r -> !r.result().isOk();
            case ApiResponse.Committed c -> !c.result().isOk();
            case ApiResponse.PreparedAndCommitted p -> !p.result().isOk();
            case ApiResponse.SecretLoaded s -> !s.result().isOk();
            case ApiResponse.StatusReport s -> false;
            case ApiResponse.SecretsCleared s -> false;
            case ApiResponse.Watched w -> false;
            case ApiResponse.Proxied p -> false;
            case ApiResponse.NetworkConfigUpdated n -> false;
        };
    }

    static Answer nodeError(NodeError e, ApiRequest asked, NodeView stored) {
        return typed(statusOf(e), e, Refusals.describe(e, asked, stored));
    }

    static Answer proxyError(ProxyError e, ApiRequest asked) {
        return switch (e) {
            case ProxyError.Inner inner -> nodeError(inner.error(), asked, null);
            case ProxyError.Disconnected d -> typed(502, d, "no connection to " + d.destination()
                    + " (or it ended before the answer)");
            case ProxyError.Busy b -> typed(503, b, switch (b.which()) {
                case LOCAL_QUEUE -> "this node already has as many proxied requests in flight as it allows; nothing was sent";
                case CONNECTION_QUEUE -> "the queue of frames to the destination is full; nothing was sent";
            });
            case ProxyError.Timeout t -> typed(504, t, "no answer within " + t.afterMs() + " ms");
            case ProxyError.InvalidResponse i -> typed(502, i, "the destination answered with the wrong kind of result");
            case ProxyError.Shutdown s -> typed(503, s, "the node is shutting down");
        };
    }

    static Answer updateError(NetworkConfigGossip.UpdateError e) {
        return switch (e) {
            case NetworkConfigGossip.UpdateError.StaleGeneration s -> typed(409, s,
                    "generation " + s.offered() + " is not newer than the current " + s.current());
            case NetworkConfigGossip.UpdateError.TooLarge t -> typed(413, t,
                    "blob of " + t.bytes() + " bytes exceeds " + t.maxBytes());
            case NetworkConfigGossip.UpdateError.ShuttingDown s -> typed(503, s, "the node is shutting down");
        };
    }

    // ---------------------------------------------------------------------------------------
    // Client side

    /** The HTTP request that carries a node API request. */
    public static HttpCall toHttp(ApiRequest request) {
        return switch (request) {
            case ApiRequest.Status s -> new HttpCall("GET", Route.STATUS.path, null);
            case ApiRequest.Reconfigure r -> {
                ReconfigureRequest q = r.request();
                ObjectNode b = obj();
                b.set("rackId", ApiJson.MAPPER.valueToTree(q.rackId()));
                b.set("epoch", ApiJson.MAPPER.valueToTree(q.epoch()));
                b.set("lastCommittedEpoch", ApiJson.MAPPER.valueToTree(q.lastCommittedEpoch()));
                b.set("members", ApiJson.MAPPER.valueToTree(q.members()));
                b.put("threshold", q.threshold().value());
                putSignature(b, q.authorization());
                yield new HttpCall("POST", Route.RECONFIGURE.path, b);
            }
            case ApiRequest.Commit c -> new HttpCall("POST", Route.COMMIT.path,
                    putSignature(commitBody(c.rackId(), c.epoch()), c.commitSignature()));
            case ApiRequest.PrepareAndCommit p -> {
                ObjectNode b = obj();
                b.set("config", ApiJson.MAPPER.valueToTree(p.config()));
                putSignature(b, p.commitSignature());
                yield new HttpCall("POST", Route.PREPARE_AND_COMMIT.path, b);
            }
            case ApiRequest.LoadRackSecret l -> {
                ObjectNode b = obj();
                b.set("epoch", ApiJson.MAPPER.valueToTree(l.epoch()));
                yield new HttpCall("POST", Route.LOAD_SECRET.path, b);
            }
            case ApiRequest.ClearSecrets c -> new HttpCall("POST", Route.CLEAR_SECRETS.path, obj());
            case ApiRequest.Proxy p -> switch (p.op()) {
                case ProxyOp.Commit c -> {
                    ObjectNode b = putSignature(commitBody(c.rackId(), c.epoch()), c.commitSignature());
                    b.put("to", p.destination().toString());
                    yield new HttpCall("POST", Route.PROXY_COMMIT.path, b);
                }
                case ProxyOp.PrepareAndCommit pc -> {
                    ObjectNode b = obj().put("to", p.destination().toString());
                    b.set("config", ApiJson.MAPPER.valueToTree(pc.config()));
                    putSignature(b, pc.commitSignature());
                    yield new HttpCall("POST", Route.PROXY_PREPARE_AND_COMMIT.path, b);
                }
                case ProxyOp.Status s -> new HttpCall("POST", Route.PROXY_STATUS.path, obj().put("to", p.destination().toString()));
            };
            case ApiRequest.UpdateNetworkConfig u -> new HttpCall("POST", Route.NETWORK_CONFIG.path,
                    obj().put("generation", u.generation()).put("blob", Base64.getEncoder().encodeToString(u.blob())));
            case ApiRequest.Watch w -> new HttpCall("POST", Route.WATCH.path,
                    obj().put(KNOWN_VERSION, w.knownVersion()).put(MAX_WAIT_MS, w.maxWaitMs()));
        };
    }

    /** Fields of a watch: its request body, and its answer. */
    static final String KNOWN_VERSION = "knownVersion";
    static final String MAX_WAIT_MS = "maxWaitMs";
    static final String VERSION = "version";
    static final String STATUS = "status";

    /**
     * The optional field carrying the control plane's signature (base64): of the proposal for a
     * reconfiguration, of the commit decision for the commit calls. The node refuses a call without it.
     */
    static final String SIGNATURE = "signature";

    private static ObjectNode putSignature(ObjectNode b, CpSignature signature) {
        if (signature != null) {
            b.put(SIGNATURE, Base64.getEncoder().encodeToString(signature.bytes()));
        }
        return b;
    }

    private static ObjectNode commitBody(org.trustquorum.core.model.RackId rackId, Epoch epoch) {
        ObjectNode b = obj();
        b.set("rackId", ApiJson.MAPPER.valueToTree(rackId));
        b.set("epoch", ApiJson.MAPPER.valueToTree(epoch));
        return b;
    }

    /**
     * The node response an HTTP answer carries, for the request that was sent. Load-secret has
     * no {@link ApiResponse} form on the client (the secret never crosses the admin API): use
     * {@link #secretViewOf}.
     *
     * @throws AdminException if the answer is not a node response (a refusal such as 400 or 401,
     *                        or a body of the wrong shape)
     */
    public static ApiResponse fromHttp(ApiRequest request, int status, JsonNode body) throws AdminException {
        try {
            return switch (request) {
                case ApiRequest.Status s -> new ApiResponse.StatusReport(okBody(status, body, NodeStatus.class));
                case ApiRequest.Watch w -> {
                    JsonNode b = okBody(status, body, JsonNode.class);
                    JsonNode v = b.get(VERSION);
                    if (v == null || !v.canConvertToLong()) {
                        throw new IllegalArgumentException("field '" + VERSION + "' missing from the answer");
                    }
                    yield new ApiResponse.Watched(v.longValue(), ApiJson.MAPPER.treeToValue(b.get(STATUS), NodeStatus.class));
                }
                case ApiRequest.Reconfigure r -> status == 200
                        ? new ApiResponse.Reconfigured(Result.ok(ReconfigureOutcome.valueOf(text(body, "outcome"))))
                        : new ApiResponse.Reconfigured(Result.err(nodeErrorOf(status, body, NodeError.ReconfigureError.class)));
                case ApiRequest.Commit c -> status == 200
                        ? new ApiResponse.Committed(Result.ok(CommitStatus.valueOf(text(body, "status"))))
                        : new ApiResponse.Committed(Result.err(nodeErrorOf(status, body, NodeError.CommitError.class)));
                case ApiRequest.PrepareAndCommit p -> status == 200
                        ? new ApiResponse.PreparedAndCommitted(Result.ok(CommitStatus.valueOf(text(body, "status"))))
                        : new ApiResponse.PreparedAndCommitted(
                                Result.err(nodeErrorOf(status, body, NodeError.PrepareAndCommitError.class)));
                case ApiRequest.LoadRackSecret l ->
                        throw new AdminException(status, "Unsupported", "use secretViewOf for load-secret answers");
                case ApiRequest.ClearSecrets c -> {
                    okBody(status, body, JsonNode.class);
                    yield new ApiResponse.SecretsCleared();
                }
                case ApiRequest.Proxy p -> new ApiResponse.Proxied(proxiedOf(p.op(), status, body));
                case ApiRequest.UpdateNetworkConfig u -> status == 200
                        ? new ApiResponse.NetworkConfigUpdated(Result.ok(body.path("generation").asLong()))
                        : new ApiResponse.NetworkConfigUpdated(Result.err(typedError(status, body,
                                NetworkConfigGossip.UpdateError.class)));
            };
        } catch (IllegalArgumentException | JsonProcessingException e) {
            throw new AdminException(status, "InvalidAnswer", "unexpected answer body: " + Fields.firstLine(e.getMessage()));
        }
    }

    /** The result of a load-secret call. */
    public static Result<SecretView, NodeError.LoadSecretError> secretViewOf(Epoch requested, int status, JsonNode body)
            throws AdminException {
        if (status != 200) {
            return Result.err(nodeErrorOf(status, body, NodeError.LoadSecretError.class));
        }
        boolean loaded = body.path("loaded").asBoolean(false);
        String fp = loaded ? body.path("fingerprint").asText(null) : null;
        if (loaded && fp == null) {
            throw new AdminException(status, "InvalidAnswer", "loaded secret without a fingerprint");
        }
        return Result.ok(new SecretView(loaded, requested, fp));
    }

    private static Result<ProxyResult, ProxyError> proxiedOf(ProxyOp op, int status, JsonNode body)
            throws AdminException, JsonProcessingException {
        if (status == 200) {
            return switch (op) {
                case ProxyOp.Status s -> Result.ok(new ProxyResult.Status(ApiJson.MAPPER.treeToValue(body, NodeStatus.class)));
                case ProxyOp.Commit c -> Result.ok(new ProxyResult.Commit(CommitStatus.valueOf(text(body, "status"))));
                case ProxyOp.PrepareAndCommit p -> Result.ok(new ProxyResult.Commit(CommitStatus.valueOf(text(body, "status"))));
            };
        }
        JsonNode err = body == null ? null : body.get("error");
        String type = err == null ? null : err.path(ApiJson.TYPE_PROPERTY).asText(null);
        if (type != null && ApiJson.variantNamed(ProxyError.class, type) != null) {
            return Result.err(ApiJson.MAPPER.treeToValue(err, ProxyError.class));
        }
        return Result.err(new ProxyError.Inner(nodeErrorOf(status, body, NodeError.class)));
    }

    private static <T> T okBody(int status, JsonNode body, Class<T> type) throws AdminException, JsonProcessingException {
        if (status != 200) {
            throw refusal(status, body);
        }
        return ApiJson.MAPPER.treeToValue(body, type);
    }

    private static <E> E nodeErrorOf(int status, JsonNode body, Class<E> expected) throws AdminException {
        return typedError(status, body, expected);
    }

    private static <E> E typedError(int status, JsonNode body, Class<E> expected) throws AdminException {
        JsonNode err = body == null ? null : body.get("error");
        if (err == null || !err.isObject()) {
            throw refusal(status, body);
        }
        Object value;
        try {
            Class<?> root = NodeError.class.isAssignableFrom(expected) ? NodeError.class : expected;
            value = ApiJson.MAPPER.treeToValue(err, root);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new AdminException(status, "InvalidAnswer", "cannot read the error: " + Fields.firstLine(e.getMessage()));
        }
        if (!expected.isInstance(value)) {
            throw new AdminException(status, "InvalidAnswer", "error " + ApiJson.variantName(value) + " does not belong to this call");
        }
        return expected.cast(value);
    }

    /** A refusal that is not a node response (400, 401, 404, 405, 413, 5xx without a typed error). */
    static AdminException refusal(int status, JsonNode body) {
        String code = body == null ? "Unknown" : body.path("code").asText("Unknown");
        String message = body == null ? "(no body)" : body.path("message").asText("(no message)");
        return new AdminException(status, code, message);
    }

    private static String text(JsonNode body, String field) {
        JsonNode v = body == null ? null : body.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("field '" + field + "' missing from the answer");
        }
        return v.textValue();
    }
}
