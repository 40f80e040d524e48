package org.trustquorum.runtime.admin;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trustquorum.runtime.log.RateLimitedLog;

/**
 * Closes admin connections that send a request too slowly (slowloris): a connection must deliver
 * a complete request head within {@code headTimeoutMs} of opening, and again of each answer, or
 * it is closed. (The server's idle timeout cannot do this: a client that sends one byte a second is
 * never idle.) A body has its own bound, enforced by the server where it reads bodies.
 *
 * <p>Every close is logged through a {@link RateLimitedLog}. Runs on the server's event loop.
 */
final class SlowClientGuard {
    private static final Logger LOG = LoggerFactory.getLogger(SlowClientGuard.class);

    /** Why a connection was closed. */
    enum Cause {
        NO_REQUEST_HEAD
    }

    private final Vertx vertx;
    private final long headTimeoutMs;
    private final RateLimitedLog<Cause> log;
    private final Map<HttpConnection, Watch> watches = new HashMap<>();
    private long closed;

    /** One connection: its armed timer (or -1) and its requests in progress. */
    private static final class Watch {
        long timer = -1;
        int active;
    }

    SlowClientGuard(Vertx vertx, long headTimeoutMs, String nodeId) {
        this.vertx = vertx;
        this.headTimeoutMs = headTimeoutMs;
        long origin = System.nanoTime();
        this.log = new RateLimitedLog<>(LOG, Cause.class, "slow admin connections closed (node " + nodeId + ")",
                () -> (System.nanoTime() - origin) / 1_000_000L, (ms, action) -> vertx.setTimer(Math.max(1, ms), id -> action.run()));
    }

    /** A new connection: its first request head must come within the bound. */
    void opened(HttpConnection conn) {
        Watch w = new Watch();
        watches.put(conn, w);
        conn.closeHandler(v -> {
            Watch gone = watches.remove(conn);
            if (gone != null && gone.timer != -1) {
                vertx.cancelTimer(gone.timer);
            }
        });
        arm(conn, w);
    }

    /** A request head arrived on {@code conn}. */
    void requestStarted(HttpConnection conn) {
        Watch w = watches.get(conn);
        if (w == null) {
            return;
        }
        w.active++;
        if (w.timer != -1) {
            vertx.cancelTimer(w.timer);
            w.timer = -1;
        }
    }

    /** A request on {@code conn} was answered (or its client left): the next head must come within the bound. */
    void requestFinished(HttpConnection conn) {
        Watch w = watches.get(conn);
        if (w == null) {
            return;
        }
        w.active = Math.max(0, w.active - 1);
        if (w.active == 0) {
            arm(conn, w);
        }
    }

    /** Connections closed so far for being too slow. */
    long closed() {
        return closed;
    }

    private void arm(HttpConnection conn, Watch w) {
        if (w.timer != -1) {
            vertx.cancelTimer(w.timer);
        }
        w.timer = vertx.setTimer(headTimeoutMs, id -> {
            w.timer = -1;
            if (w.active > 0 || !watches.containsKey(conn)) {
                return;
            }
            closed++;
            log.warn(Cause.NO_REQUEST_HEAD, "closing the admin connection from {}: no complete request within {} ms",
                    conn.remoteAddress(), headTimeoutMs);
            conn.close();
        });
    }
}
