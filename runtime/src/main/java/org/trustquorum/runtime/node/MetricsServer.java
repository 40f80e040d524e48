package org.trustquorum.runtime.node;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trustquorum.core.Check;

/**
 * The optional metrics listener: {@code GET /metrics} in the Prometheus text format and nothing
 * else, with no token, so a scraper never holds the admin token. It listens on loopback unless the
 * configuration says otherwise; the figures are counts and sizes, never secrets or payloads.
 */
public final class MetricsServer {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsServer.class);

    /** The path it serves. */
    public static final String PATH = "/metrics";
    /** Where it listens when the configuration names no host: loopback only. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** Content type of the Prometheus text exposition format. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    /** Longest request line accepted. */
    static final int MAX_INITIAL_LINE_BYTES = 1024;
    /** Largest total size of request headers accepted. */
    static final int MAX_HEADER_BYTES = 4 * 1024;
    /** Idle scraper connections are closed after this long. */
    static final int IDLE_TIMEOUT_SECONDS = 60;

    /** Where the listener binds. */
    public record Endpoint(String host, int port) {
        public Endpoint {
            Check.notNull(host, "metrics host");
            Check.argument(port >= 0 && port <= 65_535, "metrics port must be in 0..65535");
        }
    }

    private final HttpServer server;

    private MetricsServer(HttpServer server) {
        this.server = server;
    }

    /** Starts listening; {@code scrape} produces the page for each request. */
    public static Future<MetricsServer> start(Vertx vertx, Endpoint at, Supplier<Future<String>> scrape) {
        HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost(at.host()).setPort(at.port())
                .setMaxInitialLineLength(MAX_INITIAL_LINE_BYTES).setMaxHeaderSize(MAX_HEADER_BYTES)
                .setIdleTimeout(IDLE_TIMEOUT_SECONDS).setDecompressionSupported(false));
        server.requestHandler(req -> handle(req, scrape));
        return server.listen().map(s -> {
            LOG.info("metrics on http://{}:{}{}", at.host(), s.actualPort(), PATH);
            return new MetricsServer(s);
        });
    }

    private static void handle(HttpServerRequest req, Supplier<Future<String>> scrape) {
        if (!PATH.equals(req.path())) {
            req.response().setStatusCode(404).end("not found: only " + PATH + " is served here\n");
            return;
        }
        if (req.method() != HttpMethod.GET) {
            req.response().setStatusCode(405).putHeader("Allow", "GET").end("only GET\n");
            return;
        }
        scrape.get().onComplete(ar -> {
            if (ar.succeeded()) {
                req.response().putHeader("Content-Type", CONTENT_TYPE).end(ar.result());
            } else {
                req.response().setStatusCode(503).end("metrics unavailable: the node is not running\n");
            }
        });
    }

    /** The bound port. */
    public int port() {
        return server.actualPort();
    }

    public Future<Void> close() {
        return server.close();
    }
}
