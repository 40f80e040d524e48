package org.trustquorum.core.api;

import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import org.trustquorum.core.Check;
import org.trustquorum.core.model.CpSignature;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.RackId;
import org.trustquorum.core.model.Threshold;

/**
 * What the control plane asks a coordinator to do. Members are kept sorted and unique.
 *
 * @param lastCommittedEpoch the epoch the control plane believes is the latest committed, or
 *                           {@link Epoch#NONE} for a brand-new rack
 * @param authorization      the control plane's signature of the proposal (rack, epoch, the
 *                           coordinator it is sent to, members, threshold), or null if unsigned
 */
public record ReconfigureRequest(RackId rackId, Epoch epoch, Epoch lastCommittedEpoch, List<NodeId> members,
        Threshold threshold, CpSignature authorization) {
    /** An unsigned request (to be signed with {@link #signed}). */
    public ReconfigureRequest(RackId rackId, Epoch epoch, Epoch lastCommittedEpoch, List<NodeId> members,
            Threshold threshold) {
        this(rackId, epoch, lastCommittedEpoch, members, threshold, null);
    }

    public ReconfigureRequest {
        Check.notNull(rackId, "rack id");
        Check.notNull(epoch, "epoch");
        Check.notNull(lastCommittedEpoch, "last committed epoch");
        Check.notNull(members, "members");
        Check.notNull(threshold, "threshold");
        SortedSet<NodeId> sorted = new TreeSet<>(members);
        Check.argument(sorted.size() == members.size(), "members must be unique");
        members = List.copyOf(sorted);
    }

    /** The same request carrying a signature. */
    public ReconfigureRequest signed(CpSignature signature) {
        return new ReconfigureRequest(rackId, epoch, lastCommittedEpoch, members, threshold, signature);
    }
}
