package org.trustquorum.core.controlplane;

import org.trustquorum.core.api.ReconfigureRequest;
import org.trustquorum.core.model.Configuration;
import org.trustquorum.core.model.CpSignature;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.RackId;

/** What the control plane asks of one node. The driver delivers it directly or through a proxy. */
public sealed interface CpRequest {
    record Reconfigure(ReconfigureRequest request) implements CpRequest {}

    record Commit(RackId rackId, Epoch epoch, CpSignature commitSignature) implements CpRequest {}

    record PrepareAndCommit(Configuration config, CpSignature commitSignature) implements CpRequest {}

    record Status() implements CpRequest {}

    /** The node's status once it differs from version {@code knownVersion}, or after {@code maxWaitMs}. */
    record Watch(long knownVersion, long maxWaitMs) implements CpRequest {}
}
