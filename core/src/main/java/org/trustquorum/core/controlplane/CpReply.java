package org.trustquorum.core.controlplane;

import org.trustquorum.core.api.CommitStatus;
import org.trustquorum.core.api.NodeError;
import org.trustquorum.core.api.NodeStatus;
import org.trustquorum.core.protocol.ReconfigureOutcome;

/** What came back for a {@link CpCall}. */
public sealed interface CpReply {
    record Reconfigured(ReconfigureOutcome outcome) implements CpReply {}

    record Committed(CommitStatus status) implements CpReply {}

    record StatusReport(NodeStatus status) implements CpReply {}

    /** The answer to a {@link CpRequest.Watch}: the node's status and its version. */
    record Watched(long version, NodeStatus status) implements CpReply {}

    /** The node's own API error. */
    record Refused(NodeError error) implements CpReply {}

    /** The call did not reach the node or its answer was lost (no connection, proxy error, timeout). */
    record Unreachable(String reason) implements CpReply {}
}
