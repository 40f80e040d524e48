package org.trustquorum.runtime.node;

/**
 * Milliseconds since the clock was made, from {@link System#nanoTime()}: never goes backwards and
 * ignores changes to the wall clock. The engine gets its time from here, never from a clock of
 * its own.
 */
public final class MonotonicClock {
    private static final long NANOS_PER_MS = 1_000_000L;
    private final long originNanos = System.nanoTime();

    public long nowMs() {
        return (System.nanoTime() - originNanos) / NANOS_PER_MS;
    }
}
