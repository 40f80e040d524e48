package org.trustquorum.runtime.admin;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Every path of the admin API and the methods it accepts. */
public enum Route {
    STATUS("/v1/status", Set.of("GET")),
    RECONFIGURE("/v1/reconfigure", Set.of("POST")),
    COMMIT("/v1/commit", Set.of("POST")),
    PREPARE_AND_COMMIT("/v1/prepare-and-commit", Set.of("POST")),
    LOAD_SECRET("/v1/load-secret", Set.of("POST")),
    CLEAR_SECRETS("/v1/clear-secrets", Set.of("POST")),
    PROXY_COMMIT("/v1/proxy/commit", Set.of("POST")),
    PROXY_PREPARE_AND_COMMIT("/v1/proxy/prepare-and-commit", Set.of("POST")),
    PROXY_STATUS("/v1/proxy/status", Set.of("POST")),
    NETWORK_CONFIG("/v1/network-config", Set.of("GET", "POST")),
    /** Long poll: the status once it differs from a known version (body {@code knownVersion}, {@code maxWaitMs}). */
    WATCH("/v1/watch", Set.of("POST")),
    METRICS("/metrics", Set.of("GET")),
    HEALTH("/health", Set.of("GET"));

    private static final Map<String, Route> BY_PATH = new TreeMap<>();

    static {
        for (Route r : values()) {
            BY_PATH.put(r.path, r);
        }
    }

    public final String path;
    public final Set<String> methods;

    Route(String path, Set<String> methods) {
        this.path = path;
        this.methods = methods;
    }

    /** The route for an exact path (no trailing slash, no query), or null. */
    public static Route ofPath(String path) {
        return BY_PATH.get(path);
    }

    /** True for the one route that answers without a token (it reveals nothing). */
    public boolean open() {
        return this == HEALTH;
    }
}
