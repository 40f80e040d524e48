package org.trustquorum.sim.log;

/**
 * Receives a readable description of every event (only when the user asked for an events file or
 * traces; the simulator never builds these strings otherwise). {@code fields} alternate names and
 * values; values are numbers, booleans, strings or null.
 */
public interface EventSink {
    void event(long atMs, String kind, Object... fields);

    /** Flushes and closes whatever the sink writes to. */
    default void close() {}
}
