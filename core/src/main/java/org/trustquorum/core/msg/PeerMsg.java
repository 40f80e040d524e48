package org.trustquorum.core.msg;

import org.trustquorum.core.model.Configuration;
import org.trustquorum.core.model.CpSignature;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.KeyShare;
import org.trustquorum.core.model.RackId;

/** Trust quorum protocol messages between nodes. Each carries the rack id. */
public sealed interface PeerMsg {
    RackId rackId();

    /** The coordinator's new configuration and the recipient's share of the new secret. */
    record Prepare(RackId rackId, Configuration config, KeyShare share) implements PeerMsg {}

    record PrepareAck(RackId rackId, Epoch epoch) implements PeerMsg {}

    /** Asks for the recipient's own share of an epoch. */
    record GetShare(RackId rackId, Epoch epoch) implements PeerMsg {}

    record Share(RackId rackId, Epoch epoch, KeyShare share) implements PeerMsg {}

    /** Tells the recipient that this configuration is committed; the control plane's signature proves it. */
    record CommitAdvance(RackId rackId, Configuration config, CpSignature commitSignature) implements PeerMsg {}

    /**
     * Tells the recipient it is not a member of the committed configuration at this epoch. The
     * proof is that configuration with the control plane's commit signature: a claim alone is refused.
     */
    record Expunged(RackId rackId, Epoch epoch, Configuration proof, CpSignature proofSignature) implements PeerMsg {}

    /** Short name of the message type, for traces and logs. */
    static String kind(PeerMsg msg) {
        return switch (msg) {
            case Prepare p -> "Prepare";
            case PrepareAck a -> "PrepareAck";
            case GetShare g -> "GetShare";
            case Share s -> "Share";
            case CommitAdvance c -> "CommitAdvance";
            case Expunged e -> "Expunged";
        };
    }

    /** The epoch the message is about. */
    static Epoch epochOf(PeerMsg msg) {
        return switch (msg) {
            case Prepare p -> p.config().epoch();
            case PrepareAck a -> a.epoch();
            case GetShare g -> g.epoch();
            case Share s -> s.epoch();
            case CommitAdvance c -> c.config().epoch();
            case Expunged e -> e.epoch();
        };
    }
}
