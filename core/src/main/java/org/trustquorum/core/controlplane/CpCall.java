package org.trustquorum.core.controlplane;

import org.trustquorum.core.model.NodeId;

/**
 * One call the driver must deliver: to {@code target} directly when {@code via} is null, otherwise
 * to {@code via}, which proxies it to {@code target}. Every call must be answered with
 * {@link ControlPlane#onReply} exactly once (an {@link CpReply.Unreachable} when it failed).
 */
public record CpCall(long callId, NodeId target, NodeId via, CpRequest request) {
    public boolean proxied() {
        return via != null;
    }
}
