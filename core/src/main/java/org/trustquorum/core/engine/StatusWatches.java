package org.trustquorum.core.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.trustquorum.core.Check;
import org.trustquorum.core.api.NodeStatus;

/**
 * The {@link ApiRequest.Watch} calls a node holds. A watch whose caller already knows the node's
 * current status version is held until the status changes or its wait ends, then answered with the
 * current status and version; any other watch is answered at once. Lets the control plane learn of
 * acks and commits as they happen instead of polling.
 *
 * <p>Versions: each distinct status the node reports gets a new version. The first one is drawn
 * from the engine's generator (never {@link ApiRequest.Watch#UNKNOWN_VERSION}), so a caller holding
 * a version from before a restart is answered at once by the new engine; later ones count up.
 */
final class StatusWatches {
    /** Watches held at once; a watch beyond that is answered at once (the caller then waits before asking again). */
    public static final int MAX_HELD = 32;

    /** One held watch: its deadline first, so the set is ordered by deadline. */
    private record Held(long deadlineMs, long replyId) implements Comparable<Held> {
        @Override
        public int compareTo(Held o) {
            int c = Long.compare(deadlineMs, o.deadlineMs);
            return c != 0 ? c : Long.compare(replyId, o.replyId);
        }
    }

    private final RandomGenerator rng;
    private final TreeSet<Held> held = new TreeSet<>();
    private NodeStatus last;
    private long version = ApiRequest.Watch.UNKNOWN_VERSION;

    StatusWatches(RandomGenerator rng) {
        this.rng = Check.notNull(rng, "rng");
    }

    /**
     * A watch arrived with the node's {@code current} status: answers it now unless its caller
     * knows this status, the node still runs ({@code open}), the wait is not zero and there is room.
     */
    void onWatch(long replyId, ApiRequest.Watch watch, NodeStatus current, boolean open, long nowMs, List<Output> out) {
        refresh(current);
        if (!open || watch.knownVersion() != version || watch.maxWaitMs() == 0 || held.size() >= MAX_HELD) {
            out.add(new Output.Reply(replyId, new ApiResponse.Watched(version, last)));
            return;
        }
        held.add(new Held(nowMs + watch.maxWaitMs(), replyId));
    }

    /**
     * After each engine step: if anything is held, answers every held watch when the status
     * changed or the node stopped ({@code open} false), else those whose wait is over. The status
     * is computed only while a watch is held.
     */
    void afterStep(Supplier<NodeStatus> current, boolean open, long nowMs, List<Output> out) {
        if (held.isEmpty()) {
            return;
        }
        boolean changed = refresh(current.get());
        List<Held> due = new ArrayList<>();
        if (changed || !open) {
            due.addAll(held);
        } else {
            for (Held h : held) {
                if (h.deadlineMs() > nowMs) {
                    break;
                }
                due.add(h);
            }
        }
        for (Held h : due) {
            held.remove(h);
            out.add(new Output.Reply(h.replyId(), new ApiResponse.Watched(version, last)));
        }
    }

    /** The earliest deadline of a held watch, or {@link Long#MAX_VALUE}. */
    long nextDeadlineMs() {
        return held.isEmpty() ? Long.MAX_VALUE : held.first().deadlineMs();
    }

    int heldCount() {
        return held.size();
    }

    /** The version of the status last computed (unknown before the first watch). */
    long version() {
        return version;
    }

    /** Held watches fit the bound, and a version exists once one was handed out. */
    void checkInvariants() {
        Check.state(held.size() <= MAX_HELD, "%d status watches held, bound %d", held.size(), MAX_HELD);
        Check.state(held.isEmpty() || (last != null && version != ApiRequest.Watch.UNKNOWN_VERSION),
                "status watches held without a status version");
    }

    /** Records {@code current}; returns true (with a new version) if it differs from the last one. */
    private boolean refresh(NodeStatus current) {
        if (current.equals(last)) {
            return false;
        }
        last = current;
        if (version == ApiRequest.Watch.UNKNOWN_VERSION) {
            // Positive and random: versions of an earlier run of this node are not mistaken for ours.
            long v = rng.nextLong() >>> 1;
            version = v == ApiRequest.Watch.UNKNOWN_VERSION ? 1 : v;
        } else {
            version = version == Long.MAX_VALUE ? 1 : version + 1;
        }
        return true;
    }
}
