package org.trustquorum.core.api;

import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import org.trustquorum.core.Check;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.RackId;
import org.trustquorum.core.model.Threshold;

/**
 * What the control plane asks a coordinator to do. Members are kept sorted and unique.
 *
 * @param lastCommittedEpoch the epoch the control plane believes is the latest committed, or
 *                           {@link Epoch#NONE} for a brand-new rack
 */
public record ReconfigureRequest(RackId rackId, Epoch epoch, Epoch lastCommittedEpoch, List<NodeId> members,
        Threshold threshold) {
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
}
