package org.trustquorum.sim;

import org.trustquorum.core.engine.ApiResponse;
import org.trustquorum.core.model.Result;
import org.trustquorum.sim.check.Violation;

/**
 * Checks that an engine's reply has the type its call expects. The control plane's view of a
 * reply comes from {@link org.trustquorum.core.controlplane.CpBridge}, shared with the runtime.
 */
final class ReplyAdapter {
    /** A reply whose type does not fit its call. */
    static final String REPLY_TYPE = "reply-type";

    private ReplyAdapter() {}

    /** The outcome of a proxy call. */
    static Result<?, ?> proxyOutcome(ApiResponse response) {
        if (response instanceof ApiResponse.Proxied p) {
            return p.result();
        }
        throw unexpected(response);
    }

    /** The outcome of a network-config update. */
    static Result<?, ?> networkConfigOutcome(ApiResponse response) {
        if (response instanceof ApiResponse.NetworkConfigUpdated u) {
            return u.result();
        }
        throw unexpected(response);
    }

    private static Violation unexpected(Object response) {
        return new Violation(REPLY_TYPE, "a reply of unexpected type: " + response);
    }
}
