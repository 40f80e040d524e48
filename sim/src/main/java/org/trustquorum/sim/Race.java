package org.trustquorum.sim;

/** The review's race cases (DESIGN.md §4.3) as the network model produces them; counted per run. */
public enum Race {
    /** Case 1: a proxy request handed to a connection the network has already broken (its exit not seen yet). */
    PROXY_SEND_INTO_BROKEN_CONNECTION("case 1"),
    /** Case 2: a full outbound queue closed its connection. */
    QUEUE_OVERFLOW_CLOSE("case 2"),
    /** Case 3: a connection ended with a handler exception. */
    HANDLER_EXCEPTION_EXIT("case 3"),
    /** Case 4: the exit of a replaced incarnation arrived while a newer one to the same peer was open. */
    STALE_EXIT_AFTER_REPLACEMENT("case 4"),
    /** Case 5: an "established" arrived for an incarnation the engine had already closed. */
    ESTABLISHED_AFTER_CLOSE("case 5"),
    /** Case 6: a connection was established while another one to the same peer was open. */
    DUPLICATE_ESTABLISHED("case 6"),
    /** Case 6: a node accepted a socket from a peer it still had an open connection with. */
    ACCEPT_BEFORE_OLD_EXIT("case 6"),
    /** Case 7: an exit failed the proxied requests waiting on it. */
    TRACKER_FAILED_ON_EXIT("case 7"),
    /** Case 8: a node received a proxied request. */
    PROXIED_REQUEST_RECEIVED("case 8"),
    /** Case 9: a node crashed after a persist and before releasing that step's outputs. */
    CRASH_AFTER_PERSIST("case 9"),
    /** Case 9: a node crashed while persisting (torn newest copy). */
    TORN_WRITE("case 9");

    private final String reviewCase;

    Race(String reviewCase) {
        this.reviewCase = reviewCase;
    }

    public String reviewCase() {
        return reviewCase;
    }
}
