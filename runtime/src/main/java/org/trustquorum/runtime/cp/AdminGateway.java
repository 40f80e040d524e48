package org.trustquorum.runtime.cp;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.trustquorum.core.engine.ApiRequest;
import org.trustquorum.core.engine.ApiResponse;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.runtime.admin.AdminClient;
import org.trustquorum.runtime.admin.AdminException;

/**
 * Reaches nodes through their admin APIs. It knows the admin address of exactly the nodes the
 * control plane may call directly (those on the management network); a call to any other node
 * fails here, which is what forces the control plane to use a proxy for them.
 */
public final class AdminGateway implements Gateway {
    private final Map<NodeId, AdminClient> clients;

    public AdminGateway(Map<NodeId, AdminClient> clients) {
        this.clients = new TreeMap<>(clients);
    }

    @Override
    public CompletableFuture<ApiResponse> call(NodeId entry, ApiRequest request) {
        AdminClient c = clients.get(entry);
        if (c == null) {
            return CompletableFuture.failedFuture(new AdminException(0, "Unreachable",
                    "no admin address for " + entry + ": the control plane cannot reach it directly"));
        }
        return c.call(request);
    }
}
