package org.trustquorum.sim.view;

import java.util.List;

/**
 * The control plane at one point of a run: up or down, its latest committed configuration, and the
 * reconfiguration it is working on.
 *
 * @param committedEpoch the latest committed epoch, or 0
 * @param attempt        the attempt in progress, or null
 * @param inFlightCalls  calls sent and not answered (0 while down)
 * @param removed        nodes removed by completed reconfigurations
 */
public record CpSnapshot(boolean up, int life, long committedEpoch, List<String> committedMembers,
        AttemptView attempt, int inFlightCalls, List<String> removed) {

    public CpSnapshot {
        committedMembers = List.copyOf(committedMembers);
        removed = List.copyOf(removed);
    }

    public static CpSnapshot notStarted() {
        return new CpSnapshot(false, 0, 0, List.of(), null, 0, List.of());
    }

    /** A reconfiguration attempt: epoch, coordinator, members, threshold, and who acked and confirmed. */
    public record AttemptView(long epoch, String coordinator, List<String> members, int threshold,
            boolean commitDecided, List<String> acked, List<String> confirmed) {
        public AttemptView {
            members = List.copyOf(members);
            acked = List.copyOf(acked);
            confirmed = List.copyOf(confirmed);
        }

        @Override
        public String toString() {
            return "epoch " + epoch + " coordinator " + coordinator + " k=" + threshold + " members "
                    + String.join(" ", members) + (commitDecided ? ", commit decided" : ", preparing") + ", acked "
                    + (acked.isEmpty() ? "none" : String.join(" ", acked)) + ", confirmed "
                    + (confirmed.isEmpty() ? "none" : String.join(" ", confirmed));
        }
    }
}
