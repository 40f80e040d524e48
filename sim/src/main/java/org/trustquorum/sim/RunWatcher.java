package org.trustquorum.sim;

/**
 * Watches a run beside its {@link org.trustquorum.sim.log.EventSink}: told what happens to every
 * frame, so it can pair each send with its delivery or loss, and given a {@link RunProbe} to read
 * the nodes' state while events are logged. A frame is named by its connection, its direction
 * (0: sent by the dialer, 1: by the acceptor) and its place among the frames sent in that
 * direction. Each call follows the readable event it belongs to (if any); a watcher never affects
 * the run, its randomness or its digest.
 */
public interface RunWatcher {
    /** How a frame can end without being delivered. */
    enum Loss {
        /** Its direction was already broken when it was sent, or when it was flushed. */
        BROKEN_CONNECTION,
        /** It reached an end that had closed or exited (or its direction broke in flight). */
        RECEIVER_CLOSED,
        /** Its connection was aborted (partition, abort, handler exception) before it was flushed. */
        ABORTED,
        /** Its sender closed the connection before flushing it. */
        DISCARDED_AT_CLOSE,
        /** Its sender crashed before flushing it. */
        SENDER_CRASHED,
        /** It arrived at a node that had crashed (or restarted) since. */
        RECEIVER_DOWN
    }

    /** Called once, before the run starts. */
    void attach(RunProbe probe);

    /** Right after the "send" event of the frame. */
    void frameSent(long conn, int dir, long ordinal);

    /** Right after the "recv" event of the frame. */
    void frameDelivered(long conn, int dir, long ordinal);

    /** Frames {@code first .. first+count-1} of a direction are gone (after the "lost" event, if any). */
    void framesLost(long conn, int dir, long first, long count, Loss why);
}
