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

    /** A short name for logs: the kind and the epoch it concerns, never a signature or share. */
    static String describe(CpRequest r) {
        return switch (r) {
            case Reconfigure x -> "Reconfigure(epoch " + x.request().epoch() + ")";
            case Commit x -> "Commit(epoch " + x.epoch() + ")";
            case PrepareAndCommit x -> "PrepareAndCommit(epoch " + x.config().epoch() + ")";
            case Status x -> "Status";
            case Watch x -> "Watch";
        };
    }
}
