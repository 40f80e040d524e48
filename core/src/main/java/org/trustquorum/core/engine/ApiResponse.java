package org.trustquorum.core.engine;

import java.util.Optional;
import org.trustquorum.core.api.CommitStatus;
import org.trustquorum.core.api.NodeError.CommitError;
import org.trustquorum.core.api.NodeError.LoadSecretError;
import org.trustquorum.core.api.NodeError.PrepareAndCommitError;
import org.trustquorum.core.api.NodeError.ReconfigureError;
import org.trustquorum.core.api.NodeStatus;
import org.trustquorum.core.crypto.RackSecret;
import org.trustquorum.core.model.Result;
import org.trustquorum.core.msg.ProxyResult;
import org.trustquorum.core.protocol.ReconfigureOutcome;

/** The answer to one {@link ApiRequest}, carried by {@link Output.Reply}. */
public sealed interface ApiResponse {
    record Reconfigured(Result<ReconfigureOutcome, ReconfigureError> result) implements ApiResponse {}

    record Committed(Result<CommitStatus, CommitError> result) implements ApiResponse {}

    record PreparedAndCommitted(Result<CommitStatus, PrepareAndCommitError> result) implements ApiResponse {}

    /**
     * The rack secret when loaded (empty while collecting). The driver owns the secret: it closes
     * it once it has used it (the runtime shows only its fingerprint).
     */
    record SecretLoaded(Result<Optional<RackSecret>, LoadSecretError> result) implements ApiResponse {}

    record StatusReport(NodeStatus status) implements ApiResponse {}

    record SecretsCleared() implements ApiResponse {}

    /** The answer to a {@link ApiRequest.Watch}: the node's status and its version. */
    record Watched(long version, NodeStatus status) implements ApiResponse {}

    record Proxied(Result<ProxyResult, ProxyError> result) implements ApiResponse {}

    record NetworkConfigUpdated(Result<Long, NetworkConfigGossip.UpdateError> result) implements ApiResponse {}

    static String kind(ApiResponse r) {
        return switch (r) {
            case Reconfigured x -> "Reconfigured";
            case Committed x -> "Committed";
            case PreparedAndCommitted x -> "PreparedAndCommitted";
            case SecretLoaded x -> "SecretLoaded";
            case StatusReport x -> "StatusReport";
            case SecretsCleared x -> "SecretsCleared";
            case Watched x -> "Watched";
            case Proxied x -> "Proxied";
            case NetworkConfigUpdated x -> "NetworkConfigUpdated";
        };
    }
}
