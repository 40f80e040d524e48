package org.trustquorum.core.msg;

import org.trustquorum.core.model.Configuration;
import org.trustquorum.core.model.CpSignature;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.RackId;

/** The node API operations one node may ask another to perform on the control plane's behalf. */
public sealed interface ProxyOp {
    record Commit(RackId rackId, Epoch epoch, CpSignature commitSignature) implements ProxyOp {}

    record PrepareAndCommit(Configuration config, CpSignature commitSignature) implements ProxyOp {}

    record Status() implements ProxyOp {}

    static String kind(ProxyOp op) {
        return switch (op) {
            case Commit c -> "Commit";
            case PrepareAndCommit p -> "PrepareAndCommit";
            case Status s -> "Status";
        };
    }
}
