package org.trustquorum.runtime.node;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.trustquorum.core.model.PersistentState;
import org.trustquorum.runtime.ledger.LedgerException;

/** A ledger whose writes a test can hold back or make fail. */
final class ControlledDisk implements Durability {
    private final Durability inner;
    final AtomicInteger writesStarted = new AtomicInteger();
    final AtomicInteger writesDone = new AtomicInteger();
    private volatile CountDownLatch gate;
    private volatile boolean failWrites;

    ControlledDisk(Durability inner) {
        this.inner = inner;
    }

    /** Writes from now on wait until {@link #release()}. */
    void hold() {
        gate = new CountDownLatch(1);
    }

    void release() {
        CountDownLatch g = gate;
        gate = null;
        if (g != null) {
            g.countDown();
        }
    }

    /** Writes from now on fail, as if the disk were gone. */
    void breakDisk() {
        failWrites = true;
    }

    @Override
    public Snapshot load() throws LedgerException {
        return inner.load();
    }

    @Override
    public void write(long generation, PersistentState state) throws LedgerException {
        writesStarted.incrementAndGet();
        CountDownLatch g = gate;
        if (g != null) {
            try {
                g.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LedgerException("interrupted");
            }
        }
        if (failWrites) {
            throw new LedgerException("simulated disk failure");
        }
        inner.write(generation, state);
        writesDone.incrementAndGet();
    }
}
