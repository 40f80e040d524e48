package org.trustquorum.runtime.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.trustquorum.core.api.NodeError;
import org.trustquorum.core.engine.ApiRequest;
import org.trustquorum.core.engine.ApiResponse;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.Result;

/**
 * A client of one node's admin API (JDK HTTP client; usable from any thread). Used by the
 * {@code tq admin} command, the control-plane driver and the cluster demo.
 */
public final class AdminClient {
    /** Time allowed to open the TCP connection. */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** Time allowed for an answer; longer than the node's proxy deadline, so proxied calls report their own timeout. */
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    private final String host;
    private final int port;
    private final String token;
    private final HttpClient http;
    private volatile java.util.function.Consumer<String> transcript;

    /** A raw answer: status and parsed JSON body (null if the body was empty or not JSON). */
    public record Raw(int status, JsonNode body, String text) {}

    /** A client with an HTTP client of its own (for one-off use: a command line call, one probe). */
    public AdminClient(String host, int port, String token) {
        this(host, port, token, newHttpClient());
    }

    /**
     * A client that sends through {@code http}, which the caller owns and may share between many
     * admin clients: every JDK HTTP client holds a selector thread and its file descriptors until it
     * is closed or collected, so a driver that makes an admin client per call must share one.
     */
    public AdminClient(String host, int port, String token, HttpClient http) {
        this.host = host;
        this.port = port;
        this.token = token;
        this.http = http;
    }

    /** An HTTP client configured as admin clients need it (HTTP/1.1, the connect timeout). */
    public static HttpClient newHttpClient() {
        return HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).version(HttpClient.Version.HTTP_1_1).build();
    }

    /**
     * Hands every answer this client receives to {@code sink} as text: {@code "METHOD PATH -> STATUS"},
     * a new line, then the body exactly as it arrived (tests read it all to check that no secret
     * material ever leaves a node through the admin API). Returns this client.
     */
    public AdminClient withTranscript(java.util.function.Consumer<String> sink) {
        this.transcript = sink;
        return this;
    }

    public String address() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /** Sends any request to the admin API. */
    public CompletableFuture<Raw> raw(String method, String path, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + address() + path)).timeout(REQUEST_TIMEOUT);
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        return http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString()).handle((r, err) -> {
            if (err != null) {
                throw new CompletionException(unreachable(err));
            }
            JsonNode json = null;
            String text = r.body();
            java.util.function.Consumer<String> sink = transcript;
            if (sink != null) {
                sink.accept(method + " " + path + " -> " + r.statusCode() + "\n" + text);
            }
            if (text != null && !text.isEmpty()) {
                try {
                    json = ApiJson.MAPPER.readTree(text);
                } catch (JsonProcessingException e) {
                    json = null;
                }
            }
            return new Raw(r.statusCode(), json, text);
        });
    }

    public CompletableFuture<Raw> raw(AdminProtocol.HttpCall call) {
        String body;
        try {
            body = call.body() == null ? null : ApiJson.MAPPER.writeValueAsString(call.body());
        } catch (JsonProcessingException e) {
            return CompletableFuture.failedFuture(e);
        }
        return raw(call.method(), call.path(), body);
    }

    /**
     * Runs a node API call and completes with the node's response; completes exceptionally with
     * an {@link AdminException} if the call did not reach the node or was refused before it.
     */
    public CompletableFuture<ApiResponse> call(ApiRequest request) {
        return raw(AdminProtocol.toHttp(request)).handle((raw, err) -> {
            if (err != null) {
                throw new CompletionException(unreachable(err));
            }
            try {
                return AdminProtocol.fromHttp(request, raw.status(), raw.body());
            } catch (AdminException e) {
                throw new CompletionException(e);
            }
        });
    }

    /** Asks the node to load the rack secret of an epoch; the answer holds its fingerprint at most. */
    public CompletableFuture<Result<AdminProtocol.SecretView, NodeError.LoadSecretError>> loadSecret(Epoch epoch) {
        ApiRequest.LoadRackSecret req = new ApiRequest.LoadRackSecret(epoch);
        return raw(AdminProtocol.toHttp(req)).handle((raw, err) -> {
            if (err != null) {
                throw new CompletionException(unreachable(err));
            }
            try {
                return AdminProtocol.secretViewOf(epoch, raw.status(), raw.body());
            } catch (AdminException e) {
                throw new CompletionException(e);
            }
        });
    }

    /** Waits for a future of this client and unwraps its failure. */
    public static <T> T await(CompletableFuture<T> f) throws AdminException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdminException("interrupted", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof AdminException a) {
                throw a;
            }
            throw new AdminException(String.valueOf(c), c);
        }
    }

    private AdminException unreachable(Throwable err) {
        Throwable c = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
        if (c instanceof AdminException a) {
            return a;
        }
        String why = c instanceof java.net.ConnectException ? "connection refused (is the node running?)"
                : c instanceof java.net.http.HttpTimeoutException ? "no answer in time"
                : c instanceof IOException ? c.getClass().getSimpleName() + (c.getMessage() == null ? "" : ": " + c.getMessage())
                : String.valueOf(c);
        return new AdminException("cannot reach the admin API at " + address() + ": " + why, c);
    }
}
