package org.trustquorum.sim;

import org.trustquorum.core.model.PersistentState;

/**
 * A node's simulated durable storage: two copies written alternately, each with its generation,
 * loaded as the newest valid copy (the runtime's ledger works the same way). A torn write leaves
 * the copy being written invalid, so a load falls back to the other one.
 */
final class Ledger {
    private final PersistentState[] copies = {PersistentState.EMPTY, null};
    private final long[] generation = {0, -1};
    private int newest;
    private long writes;
    private long tornWrites;

    /** What a restart loads: the newest valid copy. */
    PersistentState durable() {
        return copies[newest];
    }

    long generation() {
        return generation[newest];
    }

    void write(PersistentState state) {
        int slot = 1 - newest;
        copies[slot] = state;
        generation[slot] = generation[newest] + 1;
        newest = slot;
        writes++;
    }

    /** A write that tore: the slot it was writing is now invalid; the newest valid copy is unchanged. */
    void tornWrite() {
        int slot = 1 - newest;
        copies[slot] = null;
        generation[slot] = -1;
        tornWrites++;
    }

    long writes() {
        return writes;
    }

    long tornWrites() {
        return tornWrites;
    }
}
