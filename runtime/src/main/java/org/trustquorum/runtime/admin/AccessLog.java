package org.trustquorum.runtime.admin;

import java.security.SecureRandom;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trustquorum.core.model.NodeIdRule;

/**
 * The admin API's access log: one line per request, with its request id (also sent back in the
 * {@value #REQUEST_ID_HEADER} header), method, route, status, latency and the client's address.
 * Never a body, a header value or a query string, so never a token or a secret. Refusals (4xx)
 * are logged at INFO like successes (a hostile client must not be able to fill the log with
 * warnings); 5xx at ERROR.
 *
 * <p>Lines go to the logger {@value #LOGGER}, so an operator can route or silence them on their own.
 */
final class AccessLog {
    /** The logger of the access lines. */
    static final String LOGGER = "org.trustquorum.runtime.admin.access";
    /** The response header that carries the request id. */
    static final String REQUEST_ID_HEADER = "X-Request-Id";
    /** Random bytes that make this server's request ids unlike another run's. */
    private static final int ID_PREFIX_BYTES = 4;
    /** Longest path quoted in a line for an unknown route. */
    private static final int MAX_PATH_CHARS = 64;

    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

    private final String idPrefix = HexFormat.of().formatHex(randomBytes());
    private long nextId = 1;

    private static byte[] randomBytes() {
        byte[] b = new byte[ID_PREFIX_BYTES];
        new SecureRandom().nextBytes(b);
        return b;
    }

    /** A new request id: this server's prefix and a sequence number. Call on the server's event loop. */
    String newRequestId() {
        return idPrefix + "-" + Long.toString(nextId++);
    }

    /**
     * One line for a finished request.
     *
     * @param route  the route's path, or null for an unknown path (then the path is quoted, escaped and cut)
     * @param status the answer's status, or 0 if the client went away before it
     */
    void finished(String requestId, String method, Route route, String path, int status, long latencyMicros, String client) {
        String where = route != null ? route.path : "unknown path " + NodeIdRule.quote(cut(path));
        String shown = status == 0 ? "- (client left)" : Integer.toString(status);
        String latency = String.format(java.util.Locale.ROOT, "%.1fms", latencyMicros / 1000.0);
        if (status >= 500) {
            LOG.error("admin {} {} {} {} {} from {}", requestId, safe(method), where, shown, latency, client);
        } else {
            LOG.info("admin {} {} {} {} {} from {}", requestId, safe(method), where, shown, latency, client);
        }
    }

    private static String cut(String s) {
        return s.length() <= MAX_PATH_CHARS ? s : s.substring(0, MAX_PATH_CHARS);
    }

    /** A method name as sent: printed as is when it is a plain token, quoted and escaped otherwise. */
    private static String safe(String method) {
        boolean plain = !method.isEmpty() && method.length() <= MAX_PATH_CHARS
                && method.chars().allMatch(c -> NodeIdRule.allowed((char) c) && c != '"' && c != '\\');
        return plain ? method : NodeIdRule.quote(cut(method));
    }
}
