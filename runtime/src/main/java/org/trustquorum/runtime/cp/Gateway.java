package org.trustquorum.runtime.cp;

import java.util.concurrent.CompletableFuture;
import org.trustquorum.core.engine.ApiRequest;
import org.trustquorum.core.engine.ApiResponse;
import org.trustquorum.core.model.NodeId;

/**
 * How the control plane reaches a node it can call directly: the node's admin API, or an
 * in-process node. Calls to other nodes go through one of these as proxy requests.
 */
public interface Gateway {
    /**
     * Runs {@code request} on {@code entry}. Completes exceptionally if the node cannot be reached
     * (the control plane then treats the call as unanswered).
     */
    CompletableFuture<ApiResponse> call(NodeId entry, ApiRequest request);
}
