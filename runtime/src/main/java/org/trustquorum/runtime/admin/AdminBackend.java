package org.trustquorum.runtime.admin;

import io.vertx.core.Future;
import java.util.Optional;
import org.trustquorum.core.engine.ApiRequest;
import org.trustquorum.core.engine.ApiResponse;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.msg.WireMsg;

/** What the admin API needs from its node. */
public interface AdminBackend {
    NodeId id();

    /** Runs a node API call through the engine. */
    Future<ApiResponse> call(ApiRequest request);

    /** The current gossiped network configuration, if any. */
    Future<Optional<WireMsg.NetworkConfig>> networkConfig();

    /** The Prometheus text of the node's metrics. */
    Future<String> metricsText();

    /** What the node holds, for refusals that explain themselves and for vetting a reconfiguration's members. */
    Future<NodeView> view();

    /** Counts one admin request. */
    void countRequest();
}
