package org.trustquorum.sim;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.function.IntPredicate;
import org.trustquorum.core.model.Configuration;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.sim.scenario.Schedule;

/**
 * An operator's random reconfiguration: from the latest committed configuration, keep one member
 * that holds the commit, add and remove a few nodes, pick a threshold. A function of the entry's
 * own stream and the state it is given; the draws are always made in the same order.
 */
final class MembershipChoice {
    /** The new members (node ids and indices, ascending) and threshold. */
    record Proposal(List<NodeId> members, List<Integer> indices, int threshold) {}

    private MembershipChoice() {
    }

    /**
     * Null if no member of {@code latest} (the latest committed configuration) is among the control
     * plane's {@code committedNodes}; the keeper is drawn from those. {@code everCommittedMember}
     * tells, by node index, whether a node was ever a committed member (expunged nodes never come back).
     */
    static Proposal next(SplittableRandom choice, Configuration latest, Collection<NodeId> committedNodes,
            SimNode[] nodes, Map<NodeId, SimNode> byId, IntPredicate everCommittedMember) {
        List<Integer> current = new ArrayList<>();
        List<Integer> outside = new ArrayList<>();
        for (SimNode n : nodes) {
            if (latest.isMember(n.id)) {
                current.add(n.index);
            } else if (!everCommittedMember.test(n.index)) {
                // A node removed by a commit is expunged for good: operators never add it back.
                outside.add(n.index);
            }
        }
        List<Integer> candidates = new ArrayList<>();
        for (NodeId id : committedNodes) {
            SimNode n = byId.get(id);
            if (latest.isMember(id)) {
                candidates.add(n.index);
            }
        }
        if (candidates.isEmpty()) {
            return null;
        }
        int keeper = candidates.get(choice.nextInt(candidates.size()));
        int add = Math.min(outside.size(), choice.nextInt(Simulation.MAX_ADDED_PER_RECONFIGURATION + 1));
        int remove = Math.max(0, Math.min(current.size() + add - Schedule.MIN_NODES,
                choice.nextInt(Simulation.MAX_REMOVED_PER_RECONFIGURATION + 1)));
        TreeSet<Integer> next = new TreeSet<>(current);
        for (int i = 0; i < add; i++) {
            next.add(outside.remove(choice.nextInt(outside.size())));
        }
        List<Integer> removable = new ArrayList<>(current);
        removable.remove(Integer.valueOf(keeper));
        for (int i = 0; i < remove && !removable.isEmpty(); i++) {
            next.remove(removable.remove(choice.nextInt(removable.size())));
        }
        int k = 2 + choice.nextInt(next.size() - 2);
        List<NodeId> members = new ArrayList<>();
        for (int i : next) {
            members.add(nodes[i].id);
        }
        return new Proposal(members, new ArrayList<>(next), k);
    }
}
