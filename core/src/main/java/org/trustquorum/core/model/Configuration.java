package org.trustquorum.core.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.trustquorum.core.Check;

/**
 * A trust quorum configuration. Members are kept in node-id order; member i (0-based) holds the
 * share at x = i + 1. {@code encryptedSecrets} is null for the first configuration of a rack.
 * {@code authorization} is the control plane's signature of the proposal this configuration
 * implements (rack, epoch, coordinator, member ids, threshold); null means unsigned, and a node
 * never stores or acts on an unsigned configuration.
 */
public record Configuration(RackId rackId, Epoch epoch, NodeId coordinator, List<Member> members,
        Threshold threshold, EncryptedRackSecrets encryptedSecrets, CpSignature authorization) {
    public static final int MIN_MEMBERS = 3;
    public static final int MAX_MEMBERS = 32;

    public Configuration {
        Check.notNull(rackId, "rack id");
        Check.notNull(epoch, "epoch");
        Check.notNull(coordinator, "coordinator");
        Check.notNull(members, "members");
        Check.notNull(threshold, "threshold");
        Check.argument(!epoch.isNone(), "a configuration's epoch must not be 0");
        Check.argument(members.size() >= MIN_MEMBERS && members.size() <= MAX_MEMBERS,
                "a configuration has %d..%d members, got %d", MIN_MEMBERS, MAX_MEMBERS, members.size());
        Check.argument(threshold.isValid() && threshold.value() < members.size(),
                "threshold %s is invalid for %d members", threshold, members.size());
        for (int i = 1; i < members.size(); i++) {
            Check.argument(members.get(i - 1).id().compareTo(members.get(i).id()) < 0,
                    "members must be strictly ascending by node id");
        }
        members = List.copyOf(members);
        Check.argument(indexOf(members, coordinator) >= 0, "the coordinator must be a member");
    }

    private static int indexOf(List<Member> members, NodeId id) {
        int lo = 0;
        int hi = members.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = members.get(mid).id().compareTo(id);
            if (c == 0) {
                return mid;
            } else if (c < 0) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return -1;
    }

    public boolean isMember(NodeId id) {
        return indexOf(members, id) >= 0;
    }

    /** The share x-coordinate of a member. */
    public int xOf(NodeId id) {
        int i = indexOf(members, id);
        Check.argument(i >= 0, "%s is not a member of epoch %s", id, epoch);
        return i + 1;
    }

    public Optional<Sha3Digest> digestOf(NodeId id) {
        int i = indexOf(members, id);
        return i < 0 ? Optional.empty() : Optional.of(members.get(i).shareDigest());
    }

    public List<NodeId> memberIds() {
        List<NodeId> ids = new ArrayList<>(members.size());
        for (Member m : members) {
            ids.add(m.id());
        }
        return ids;
    }

    public int size() {
        return members.size();
    }

    public Optional<EncryptedRackSecrets> encrypted() {
        return Optional.ofNullable(encryptedSecrets);
    }
}
