package org.trustquorum.core.msg;

import org.trustquorum.core.api.CommitStatus;
import org.trustquorum.core.api.NodeError;
import org.trustquorum.core.api.NodeStatus;

/** What the destination of a proxied request answers. */
public sealed interface ProxyResult {
    /** Answer to Commit or PrepareAndCommit. */
    record Commit(CommitStatus status) implements ProxyResult {}

    /** Answer to Status. */
    record Status(NodeStatus status) implements ProxyResult {}

    /** The destination's own API error. */
    record Failed(NodeError error) implements ProxyResult {}

    static String kind(ProxyResult r) {
        return switch (r) {
            case Commit c -> "Commit";
            case Status s -> "Status";
            case Failed f -> "Failed";
        };
    }
}
