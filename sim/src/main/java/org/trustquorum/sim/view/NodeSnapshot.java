package org.trustquorum.sim.view;

import java.util.List;

/**
 * What one simulated node looks like at one point of a run, for people looking at the run: its
 * durable state (epochs only: a share is shown by its epoch, never by its bytes), and, while it is
 * up, its engine's connections, protocol and proxy tracker, and the API calls it has not answered.
 *
 * @param generation  ledger generation of the durable state
 * @param shares      epochs this node holds a share of (never the share)
 * @param expunged    the epoch of the expunged marker, or null
 * @param expungedBy  who told it, or null
 * @param connectedPeers peers with an established incarnation (the connection table's view)
 * @param protocolPeers  the peers the protocol believes connected (should equal {@code connectedPeers})
 * @param connections this life's incarnations not exited yet, ascending
 * @param coordinator what this node coordinates, or null
 * @param computing   the epoch whose share it computes, or 0
 * @param loaded      epochs whose rack secret is loaded in memory (the epochs only)
 */
public record NodeSnapshot(String node, boolean up, int life, long generation, List<ConfigView> configs,
        List<Long> shares, List<Long> commits, Long expunged, String expungedBy, List<String> connectedPeers,
        List<String> protocolPeers, List<ConnView> connections, CoordView coordinator, long computing, List<Long> loaded,
        List<TrackedView> tracker, List<CallView> pendingCalls) {

    public NodeSnapshot {
        configs = List.copyOf(configs);
        shares = List.copyOf(shares);
        commits = List.copyOf(commits);
        connectedPeers = List.copyOf(connectedPeers);
        protocolPeers = List.copyOf(protocolPeers);
        connections = List.copyOf(connections);
        loaded = List.copyOf(loaded);
        tracker = List.copyOf(tracker);
        pendingCalls = List.copyOf(pendingCalls);
    }

    /** Before the node first booted. */
    public static NodeSnapshot notBooted(String node) {
        return new NodeSnapshot(node, false, 0, 0, List.of(), List.of(), List.of(), null, null, List.of(), List.of(),
                List.of(), null, 0, List.of(), List.of(), List.of());
    }

    /** One configuration, by epoch: who coordinated it, its members and its threshold. */
    public record ConfigView(long epoch, String coordinator, List<String> members, int threshold) {
        public ConfigView {
            members = List.copyOf(members);
        }

        @Override
        public String toString() {
            return "epoch " + epoch + " (coordinator " + coordinator + ", k=" + threshold + ", members "
                    + String.join(" ", members) + ")";
        }
    }

    /**
     * One incarnation of this life: its peer and its state: the engine's (DIALING, ACCEPTING,
     * ESTABLISHED), or CLOSED when the engine closed it and its exit has not arrived yet.
     */
    public record ConnView(long inc, String peer, String state) {
        @Override
        public String toString() {
            return "inc " + inc + " " + peer + " " + state;
        }
    }

    /** A reconfiguration this node coordinates: its phase and the members that acked. */
    public record CoordView(long epoch, String phase, List<String> acked) {
        public CoordView {
            acked = List.copyOf(acked);
        }

        @Override
        public String toString() {
            return "epoch " + epoch + " " + phase + ", acked by " + (acked.isEmpty() ? "none" : String.join(" ", acked));
        }
    }

    /** A proxied request in this node's tracker. */
    public record TrackedView(long requestId, long replyId, String destination, long inc, String op,
            long deadlineMs) {
        @Override
        public String toString() {
            return "request " + requestId + " (reply " + replyId + ") " + op + " to " + destination + " on inc " + inc
                    + ", deadline " + deadlineMs + " ms";
        }
    }

    /** An API call the node has not answered yet. */
    public record CallView(long replyId, String request, long sinceMs) {
        @Override
        public String toString() {
            return "reply " + replyId + " " + request + " since " + sinceMs + " ms";
        }
    }
}
