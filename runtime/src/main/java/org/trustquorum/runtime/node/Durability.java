package org.trustquorum.runtime.node;

import org.trustquorum.core.model.PersistentState;
import org.trustquorum.runtime.ledger.Ledger;
import org.trustquorum.runtime.ledger.LedgerException;

/**
 * Where a node keeps its persistent state. Both methods block (disk I/O); the node calls them on
 * its own worker thread, one at a time, in order.
 */
public interface Durability {

    /** What was on disk at start-up. */
    record Snapshot(long generation, PersistentState state) {}

    Snapshot load() throws LedgerException;

    /** Makes {@code state} durable as {@code generation}; returns only when it is. */
    void write(long generation, PersistentState state) throws LedgerException;

    /** The usual implementation: a {@link Ledger} with checksummed copies at several paths. */
    static Durability of(Ledger ledger) {
        return new Durability() {
            @Override
            public Snapshot load() throws LedgerException {
                Ledger.Loaded l = ledger.load();
                return new Snapshot(l.generation(), l.state());
            }

            @Override
            public void write(long generation, PersistentState state) throws LedgerException {
                ledger.write(generation, state);
            }
        };
    }
}
