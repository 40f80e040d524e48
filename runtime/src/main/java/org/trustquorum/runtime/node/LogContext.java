package org.trustquorum.runtime.node;

import org.slf4j.MDC;

/**
 * The logging context (SLF4J MDC) of a node's work: its id, its latest committed epoch and, for
 * connection work, the peer. Several nodes may share an event-loop thread (tests, the benchmark),
 * so every entry point sets the context and {@link #close} restores what was there before.
 * The values are identifiers, never secrets.
 */
final class LogContext implements AutoCloseable {
    /** MDC key of the node id. */
    static final String NODE = "node";
    /** MDC key of the node's latest committed epoch. */
    static final String EPOCH = "epoch";
    /** MDC key of the peer a connection belongs to (its node id once known, else its address). */
    static final String PEER = "peer";

    private final String oldNode;
    private final String oldEpoch;
    private final String oldPeer;

    private LogContext(String node, String epoch, String peer) {
        oldNode = MDC.get(NODE);
        oldEpoch = MDC.get(EPOCH);
        oldPeer = MDC.get(PEER);
        set(NODE, node);
        set(EPOCH, epoch);
        set(PEER, peer);
    }

    /** Work of {@code node} at {@code epoch} that concerns no particular peer. */
    static LogContext node(String node, String epoch) {
        return new LogContext(node, epoch, null);
    }

    /** Work of {@code node} at {@code epoch} on a connection with {@code peer}. */
    static LogContext peer(String node, String epoch, String peer) {
        return new LogContext(node, epoch, peer);
    }

    @Override
    public void close() {
        set(NODE, oldNode);
        set(EPOCH, oldEpoch);
        set(PEER, oldPeer);
    }

    private static void set(String key, String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }
}
