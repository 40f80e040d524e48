package org.trustquorum.sim;

import java.util.Arrays;

/**
 * The link faults in force, each until a virtual time in ms: one-way partitions (frames held in
 * the network), stalled directions and frozen senders (frames held in the sender's queue). A fault
 * only ever extends; the heal lifts them all.
 */
final class LinkFaults {
    /** Frames from node [from] to node [to] are held in the network until then. */
    private final long[][] blockedUntil;
    /** Frames from node [from] to node [to] stay in the sender's queue until then. */
    private final long[][] stallUntil;
    /** Every frame node [n] sends stays in its queue until then. */
    private final long[] freezeUntil;

    LinkFaults(int nodes) {
        this.blockedUntil = new long[nodes][nodes];
        this.stallUntil = new long[nodes][nodes];
        this.freezeUntil = new long[nodes];
    }

    long blockedUntil(int from, int to) {
        return blockedUntil[from][to];
    }

    boolean blocked(int from, int to, long now) {
        return now < blockedUntil[from][to];
    }

    /** Until when frames from {@code from} to {@code to} stay in the sender's queue (stall or freeze). */
    long heldUntil(int from, int to) {
        return Math.max(stallUntil[from][to], freezeUntil[from]);
    }

    void block(int from, int to, long until) {
        blockedUntil[from][to] = Math.max(blockedUntil[from][to], until);
    }

    void stall(int from, int to, long until) {
        stallUntil[from][to] = Math.max(stallUntil[from][to], until);
    }

    void freeze(int node, long until) {
        freezeUntil[node] = Math.max(freezeUntil[node], until);
    }

    /** Lifts every fault (the start of the liveness phase). */
    void heal() {
        for (long[] row : blockedUntil) {
            Arrays.fill(row, 0);
        }
        for (long[] row : stallUntil) {
            Arrays.fill(row, 0);
        }
        Arrays.fill(freezeUntil, 0);
    }
}
