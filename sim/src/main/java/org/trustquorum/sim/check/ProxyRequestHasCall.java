package org.trustquorum.sim.check;

import org.trustquorum.core.engine.ApiRequest;
import org.trustquorum.core.engine.Input;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.msg.WireMsg;

/**
 * A node sends a ProxyRequest frame only as the result of a Proxy API call made to it in the same
 * step, for that destination and operation: a proxied request is never proxied again (§4.3 case 8).
 */
public final class ProxyRequestHasCall {
    public static final String NAME = "proxy-request-has-call";

    private ProxyRequestHasCall() {}

    public static void check(String node, Input input, NodeId peer, WireMsg.ProxyRequest req) {
        if (input instanceof Input.ApiCall call && call.request() instanceof ApiRequest.Proxy p
                && p.destination().equals(peer) && p.op().equals(req.op())) {
            return;
        }
        throw new Violation(NAME, node + " sent ProxyRequest " + req.requestId() + " (" + req.op() + ") to " + peer
                + " while handling " + input.getClass().getSimpleName() + ", not a Proxy call for it");
    }
}
