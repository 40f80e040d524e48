package org.trustquorum.core.engine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;
import org.trustquorum.core.Check;
import org.trustquorum.core.model.NodeId;

/**
 * The dial side of {@link ConnectionTable}: which addresses this node dials (only those lower than
 * its own, so two nodes never dial each other) and when (at once when new, then capped exponential
 * backoff with jitter after every attempt that ends). It owns no incarnation: the table allocates
 * the dials this class says are due and tells it how they end.
 *
 * <p>Whether a target wants a dial also depends on the table (shut down, a live dial to the
 * address, already connected to whoever answers there), so the table hands in those three views.
 */
final class DialPolicy {

    private static final int PERCENT = 100;
    /** The shortest redial delay, whatever the jitter draws. */
    private static final long MIN_REDIAL_DELAY_MS = 1;

    /** Redial bookkeeping of one address we are responsible for dialing. */
    private static final class DialTarget extends TimerIndex.Entry {
        final PeerAddress address;
        /** Consecutive attempts that ended without (or after) an establishment; reset when established. */
        int failures;
        long nextDialAtMs;
        /** Who answered the last established dial to this address, if any. */
        NodeId lastKnownPeer;

        DialTarget(PeerAddress address, long nextDialAtMs) {
            this.address = address;
            this.nextDialAtMs = nextDialAtMs;
        }
    }

    private static final Comparator<DialTarget> BY_ADDRESS = Comparator.comparing(t -> t.address);

    private final PeerAddress selfAddress;
    private final EngineLimits limits;
    /** The table's one random source: only the jitter of a redial draws from it. */
    private final RandomGenerator rng;
    private final BooleanSupplier shutdown;
    private final Predicate<PeerAddress> hasLiveDial;
    private final Predicate<NodeId> isConnected;

    private final TreeMap<PeerAddress, DialTarget> targets = new TreeMap<>();
    /** Targets by their next dial, while they want one. */
    private final TimerIndex<DialTarget> timers = new TimerIndex<>(this::dueMs);
    /** Scratch list of {@link #takeDue} (empty between calls). */
    private final List<DialTarget> due = new ArrayList<>();

    /**
     * {@code shutdown}, {@code hasLiveDial} and {@code isConnected} read the table's current state;
     * they are asked whenever a target's deadline is (re)computed.
     */
    DialPolicy(PeerAddress selfAddress, EngineLimits limits, RandomGenerator rng, BooleanSupplier shutdown,
            Predicate<PeerAddress> hasLiveDial, Predicate<NodeId> isConnected) {
        this.selfAddress = selfAddress;
        this.limits = limits;
        this.rng = rng;
        this.shutdown = shutdown;
        this.hasLiveDial = hasLiveDial;
        this.isConnected = isConnected;
    }

    /**
     * Makes the addresses in {@code peers} that are lower than ours the dial targets. Known
     * targets keep their backoff; new ones are due at {@code nowMs}; dropped ones are forgotten.
     */
    void setPeers(Set<PeerAddress> peers, long nowMs) {
        TreeMap<PeerAddress, DialTarget> next = new TreeMap<>();
        for (PeerAddress p : new TreeSet<>(peers)) {
            if (selfAddress.dials(p)) {
                DialTarget t = targets.get(p);
                next.put(p, t != null ? t : new DialTarget(p, nowMs));
            }
        }
        targets.clear();
        targets.putAll(next);
        timers.clear();
        for (DialTarget t : targets.values()) {
            timers.update(t);
        }
    }

    /**
     * Moves the addresses due for a dial at {@code nowMs} into {@code out}, in address order (the
     * order the table dials them in). They leave the index until their dial ends.
     */
    void takeDue(long nowMs, List<PeerAddress> out) {
        timers.takeDue(nowMs, due);
        due.sort(BY_ADDRESS);
        for (DialTarget t : due) {
            out.add(t.address);
        }
        due.clear();
    }

    /** A dial to {@code address} was established with {@code peer}: the backoff starts over. */
    void established(PeerAddress address, NodeId peer) {
        DialTarget t = targets.get(address);
        if (t != null) {
            t.failures = 0;
            t.lastKnownPeer = peer;
        }
    }

    /**
     * The live dial to {@code address} ended (the table has already unindexed it): the next one
     * waits a jittered backoff. Draws from the random source once if {@code address} is a target.
     */
    void dialEnded(PeerAddress address, long nowMs) {
        DialTarget t = targets.get(address);
        if (t != null && !shutdown.getAsBoolean()) {
            t.failures++;
            t.nextDialAtMs = nowMs + jitteredBackoffMs(t.failures);
            timers.update(t);
        }
    }

    /** {@code peer} lost its established incarnation: targets it last answered want a dial again. */
    void peerDisconnected(NodeId peer) {
        // The index only learns of it here: their deadline became finite.
        for (DialTarget t : targets.values()) {
            if (peer.equals(t.lastKnownPeer)) {
                timers.update(t);
            }
        }
    }

    /** Forgets every target for good (shutdown). */
    void stop() {
        targets.clear();
        timers.clear();
    }

    /** The earliest dial due, or {@link TimerIndex#NONE}. */
    long nextDueMs() {
        return timers.nextMs();
    }

    /** {@link #nextDueMs} the slow way, by walking every target (the invariant check's reference). */
    long scannedDueMs() {
        long next = Long.MAX_VALUE;
        for (DialTarget t : targets.values()) {
            if (wantsDial(t)) {
                next = Math.min(next, t.nextDialAtMs);
            }
        }
        return next;
    }

    // ---------------------------------------------------------------------------------------
    // Queries

    List<PeerAddress> targets() {
        return List.copyOf(targets.keySet());
    }

    int failures(PeerAddress address) {
        DialTarget t = targets.get(address);
        return t == null ? 0 : t.failures;
    }

    OptionalLong nextDialAtMs(PeerAddress address) {
        DialTarget t = targets.get(address);
        return t == null ? OptionalLong.empty() : OptionalLong.of(t.nextDialAtMs);
    }

    /** The delay before redial attempt {@code failures} (>= 1), without jitter. */
    static long backoffCeilingMs(EngineLimits limits, int failures) {
        Check.argument(failures >= 1, "failures must be >= 1");
        long d = limits.reconnectBaseMs();
        // Doubles per failure and stops at the cap (checked before doubling, so it cannot overflow).
        for (int i = 1; i < failures && d < limits.reconnectMaxMs(); i++) {
            d = d > limits.reconnectMaxMs() / 2 ? limits.reconnectMaxMs() : d * 2;
        }
        return d;
    }

    // ---------------------------------------------------------------------------------------
    // Invariants (called by the table's, in its order)

    /** Every target is lower than our address, and none is left after shutdown. */
    void checkTargets() {
        for (PeerAddress a : targets.keySet()) {
            Check.state(selfAddress.dials(a), "dial target %s is not lower than our address %s", a, selfAddress);
        }
        Check.state(!shutdown.getAsBoolean() || targets.isEmpty(), "dial targets left after shutdown");
    }

    /** Every target that wants a dial is indexed no later than it is due. */
    void checkTimerIndex() {
        for (DialTarget t : targets.values()) {
            long deadline = dueMs(t);
            Check.state(deadline == TimerIndex.NONE || (t.indexed() && t.keyMs() <= deadline),
                    "dial target %s is missing from the timer index", t.address);
        }
    }

    // ---------------------------------------------------------------------------------------
    // Internals

    private boolean wantsDial(DialTarget t) {
        if (shutdown.getAsBoolean() || hasLiveDial.test(t.address)) {
            return false;
        }
        // Already connected to whoever answers at this address (through an inbound connection).
        return t.lastKnownPeer == null || !isConnected.test(t.lastKnownPeer);
    }

    private long dueMs(DialTarget t) {
        return wantsDial(t) ? t.nextDialAtMs : TimerIndex.NONE;
    }

    private long jitteredBackoffMs(int failures) {
        long ceiling = backoffCeilingMs(limits, failures);
        long spread = ceiling * limits.reconnectJitterPercent() / PERCENT;
        long jittered = ceiling - spread + rng.nextLong(2 * spread + 1);
        return Math.max(MIN_REDIAL_DELAY_MS, Math.min(limits.reconnectMaxMs(), jittered));
    }
}
