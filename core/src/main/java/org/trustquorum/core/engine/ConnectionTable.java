package org.trustquorum.core.engine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.random.RandomGenerator;
import org.trustquorum.core.Check;
import org.trustquorum.core.Mutation;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.msg.WireMsg;

/**
 * Every connection incarnation of one node, as a pure state machine: no sockets, no clock, no
 * ambient randomness. Each call takes the current time (where it matters) and appends what it
 * caused to a list of {@link ConnEvent}s.
 *
 * <p>Rules it enforces:
 * <ul>
 *   <li>Incarnation ids are allocated here, monotonic, never reused.
 *   <li>An incarnation is <em>live</em> from allocation until its one exit processing: either the
 *       driver's first {@code exited} or a local close ({@link ConnEvent.Closed}). After that it is
 *       gone from the table and every later event about it is dropped - including a queued
 *       {@code established}, so an aborted incarnation can never mark its peer connected.
 *   <li>At most one established incarnation per peer. A newly established one replaces the old,
 *       which is closed with {@link ExitCause#REPLACED}; the old one's later exit is a no-op and
 *       does not disconnect the peer.
 *   <li>A frame that does not fit the outbound queue is never dropped silently: the connection is
 *       closed instead, so the loss is always followed by the incarnation's exit, and nothing more
 *       is sent on it.
 *   <li>Dialing: only toward peers with a lower address than ours, one live attempt per address,
 *       capped exponential backoff with jitter after failures and exits ({@link DialPolicy} decides
 *       when; the table allocates the dials).
 *   <li>Keepalive ping every {@code pingIntervalMs}; close after {@code inactivityTimeoutMs}
 *       without an inbound frame, or {@code handshakeTimeoutMs} without being established.
 * </ul>
 * Iteration is always over sorted maps (or sorted lists of what is due), so the event order is a
 * function of the inputs alone. Deadlines live in two {@link TimerIndex}es (connections here, dial
 * targets in {@link DialPolicy}), so {@link #nextDeadlineMs} and {@link #onTimer} cost O(log n) per
 * timer instead of a walk over every connection.
 */
public final class ConnectionTable {

    /** The state of a live incarnation. */
    public enum State {
        /** Outbound, allocated, not established yet. */
        DIALING,
        /** Inbound, accepted, not established yet. */
        ACCEPTING,
        /** Handshake done; knows its peer; the peer's current incarnation. */
        ESTABLISHED
    }

    private final NodeId selfId;
    private final EngineLimits limits;
    private final DialPolicy dials;

    private final TreeMap<Long, Conn> live = new TreeMap<>();
    private final TreeMap<NodeId, Long> establishedByPeer = new TreeMap<>();
    private final TreeMap<PeerAddress, Long> liveDialByAddress = new TreeMap<>();
    private static final Comparator<Conn> BY_INCARNATION = Comparator.comparingLong(c -> c.incarnation);
    /** Live incarnations by their next timeout or ping. */
    private final TimerIndex<Conn> connTimers = new TimerIndex<>(this::connDueMs);
    /** Scratch lists of {@link #onTimer} and {@link #dialDue} (empty between calls). */
    private final List<Conn> dueConns = new ArrayList<>();
    private final List<PeerAddress> dueDials = new ArrayList<>();
    private long nextIncarnation = 1;
    private final Mutation mutation;
    /** Only under {@link Mutation#APPLY_STALE_EXIT}: the peer each replaced incarnation belonged to. */
    private final TreeMap<Long, NodeId> replacedPeers = new TreeMap<>();
    private int pendingInbound;
    private boolean shutdown;
    private long droppedEvents;

    public ConnectionTable(NodeId selfId, PeerAddress selfAddress, EngineLimits limits, RandomGenerator rng) {
        this(selfId, selfAddress, limits, rng, Mutation.NONE);
    }

    /** With a deliberate bug switched on (simulator only). */
    public ConnectionTable(NodeId selfId, PeerAddress selfAddress, EngineLimits limits, RandomGenerator rng,
            Mutation mutation) {
        this.mutation = Check.notNull(mutation, "mutation");
        this.selfId = Check.notNull(selfId, "selfId");
        Check.notNull(selfAddress, "selfAddress");
        this.limits = Check.notNull(limits, "limits");
        Check.notNull(rng, "rng");
        // The policy reads the live state through these views whenever a target's deadline moves.
        this.dials = new DialPolicy(selfAddress, limits, rng, () -> shutdown, liveDialByAddress::containsKey,
                establishedByPeer::containsKey);
    }

    // ---------------------------------------------------------------------------------------
    // Allocation

    /**
     * Allocates an outbound incarnation toward {@code address}. The table calls this itself when
     * a dial is due (and reports {@link ConnEvent.DialStarted}); a caller using it directly must
     * emit the dial itself.
     */
    public long allocateDial(PeerAddress address, long nowMs) {
        Check.notNull(address, "address");
        Check.state(!shutdown, "no dialing after shutdown");
        Check.state(!liveDialByAddress.containsKey(address), "a live dial to %s exists already", address);
        long inc = nextIncarnation++;
        Conn c = new Conn(inc, address, State.DIALING, nowMs);
        live.put(inc, c);
        connTimers.update(c);
        liveDialByAddress.put(address, inc);
        return inc;
    }

    /**
     * Allocates an incarnation for a socket the driver just accepted (before TLS completes). If
     * the node is shut down or too many accepted connections are still waiting for their
     * handshake, the new incarnation is closed at once ({@link ConnEvent.Closed}).
     */
    public long allocateInbound(long nowMs, List<ConnEvent> events) {
        long inc = nextIncarnation++;
        if (shutdown) {
            events.add(new ConnEvent.Closed(inc, ExitCause.SHUTDOWN));
        } else if (pendingInbound >= limits.maxPendingInboundConnections()) {
            events.add(new ConnEvent.Closed(inc, ExitCause.ABORTED));
        } else {
            Conn c = new Conn(inc, null, State.ACCEPTING, nowMs);
            live.put(inc, c);
            connTimers.update(c);
            pendingInbound++;
        }
        return inc;
    }

    // ---------------------------------------------------------------------------------------
    // Events from the driver

    /** The handshake of {@code inc} completed with {@code peer}. */
    public void established(long inc, NodeId peer, long nowMs, List<ConnEvent> events) {
        Check.notNull(peer, "peer");
        Conn c = live.get(inc);
        if (c == null) {
            // Guard (case 5): an incarnation that already ended never becomes connected.
            if (mutation == Mutation.APPLY_ABORTED_CONNECT && !peer.equals(selfId)) {
                events.add(new ConnEvent.Connected(peer, inc));
                return;
            }
            drop(inc, notLiveReason(inc, "established"), events);
            return;
        }
        if (c.state == State.ESTABLISHED) {
            drop(inc, "duplicate established", events);
            return;
        }
        if (shutdown) {
            closeLive(c, ExitCause.SHUTDOWN, nowMs, events);
            return;
        }
        if (peer.equals(selfId)) {
            drop(inc, "connected to itself", events);
            closeLive(c, ExitCause.ABORTED, nowMs, events);
            return;
        }
        Long previous = establishedByPeer.get(peer);
        // Guard (case 6): a newer incarnation replaces the established one, which is closed.
        if (previous != null && mutation == Mutation.KEEP_DUPLICATE_CONNECTION) {
            previous = null;
        }
        if (previous != null) {
            Conn old = live.get(previous);
            if (mutation == Mutation.APPLY_STALE_EXIT) {
                replacedPeers.put(old.incarnation, peer);
            }
            detach(old, nowMs);
            events.add(new ConnEvent.Closed(old.incarnation, ExitCause.REPLACED));
            events.add(new ConnEvent.Replaced(peer, old.incarnation, inc));
        }
        if (c.state == State.ACCEPTING) {
            pendingInbound--;
        }
        c.state = State.ESTABLISHED;
        c.peer = peer;
        c.lastInboundAtMs = nowMs;
        c.nextPingAtMs = nowMs + limits.pingIntervalMs();
        connTimers.update(c);
        establishedByPeer.put(peer, inc);
        if (c.dialedAddress != null) {
            dials.established(c.dialedAddress, peer);
        }
        events.add(new ConnEvent.Connected(peer, inc));
    }

    /**
     * The driver reports that {@code inc} is gone. The first report for a live incarnation is its
     * exit processing; any other (a second report, or one after a local close) is dropped.
     */
    public void exited(long inc, ExitCause cause, long nowMs, List<ConnEvent> events) {
        Check.notNull(cause, "cause");
        Conn c = live.get(inc);
        if (c == null) {
            // Guard (case 4): the exit of an incarnation that is no longer current changes nothing.
            NodeId stalePeer = replacedPeers.remove(inc);
            if (stalePeer != null) {
                events.add(new ConnEvent.Disconnected(stalePeer, inc));
                return;
            }
            drop(inc, notLiveReason(inc, "exit"), events);
            return;
        }
        // Guard (case 3): every exit is processed, whatever its cause.
        if (cause == ExitCause.HANDLER_EXCEPTION && mutation == Mutation.IGNORE_HANDLER_EXCEPTION_EXIT) {
            return;
        }
        boolean wasCurrent = detach(c, nowMs);
        events.add(new ConnEvent.Exited(inc, cause));
        if (wasCurrent) {
            events.add(new ConnEvent.Disconnected(c.peer, inc));
        }
    }

    /**
     * A complete frame arrived on {@code inc}. Returns the peer it came from, or null if the frame
     * must be ignored (the incarnation is not live and established).
     */
    public NodeId frameReceived(long inc, long nowMs, List<ConnEvent> events) {
        Conn c = live.get(inc);
        if (c == null) {
            drop(inc, notLiveReason(inc, "frame"), events);
            return null;
        }
        if (c.state != State.ESTABLISHED) {
            drop(inc, "frame before the handshake completed", events);
            return null;
        }
        c.lastInboundAtMs = nowMs;
        return c.peer;
    }

    /** The driver wrote {@code count} more frames of {@code inc}. */
    public void flushed(long inc, int count, List<ConnEvent> events) {
        Check.argument(count >= 0, "flushed count must not be negative");
        Conn c = live.get(inc);
        if (c == null) {
            drop(inc, notLiveReason(inc, "flushed"), events);
            return;
        }
        Check.state(count <= c.queuedFrames, "incarnation %d: %d frames flushed but only %d queued", inc, count,
                c.queuedFrames);
        c.queuedFrames -= count;
    }

    // ---------------------------------------------------------------------------------------
    // Sending and closing

    /** What became of a frame handed to {@link #send}. */
    public enum SendResult {
        /** Queued; a {@link ConnEvent.Sent} was reported. */
        SENT,
        /** The incarnation is not live and established; nothing was sent. */
        NOT_CONNECTED,
        /** The queue was full: the frame was not sent and the connection was closed. */
        CLOSED_ON_OVERFLOW
    }

    /** Hands a frame to the driver, or closes the connection if it would overflow the queue. */
    public SendResult send(long inc, WireMsg msg, long nowMs, List<ConnEvent> events) {
        Check.notNull(msg, "msg");
        Conn c = live.get(inc);
        if (c == null || c.state != State.ESTABLISHED) {
            drop(inc, "send of " + WireMsg.kind(msg) + " on an incarnation that is not established", events);
            return SendResult.NOT_CONNECTED;
        }
        if (c.queuedFrames >= limits.outboundQueueCapacityFrames()) {
            // Guard (case 2): a frame that does not fit closes the connection; it is never dropped silently.
            if (mutation == Mutation.SILENT_QUEUE_DROP) {
                return SendResult.SENT;
            }
            closeLive(c, ExitCause.QUEUE_OVERFLOW, nowMs, events);
            return SendResult.CLOSED_ON_OVERFLOW;
        }
        c.queuedFrames++;
        events.add(new ConnEvent.Sent(inc, msg));
        return SendResult.SENT;
    }

    /** True if {@code inc} is established and one more frame fits its outbound queue. */
    public boolean hasQueueRoom(long inc) {
        Conn c = live.get(inc);
        return c != null && c.state == State.ESTABLISHED && c.queuedFrames < limits.outboundQueueCapacityFrames();
    }

    /** Closes a live incarnation locally (its exit processing). Returns false if it was not live. */
    public boolean close(long inc, ExitCause cause, long nowMs, List<ConnEvent> events) {
        Check.notNull(cause, "cause");
        Conn c = live.get(inc);
        if (c == null) {
            drop(inc, notLiveReason(inc, "close"), events);
            return false;
        }
        closeLive(c, cause, nowMs, events);
        return true;
    }

    // ---------------------------------------------------------------------------------------
    // Peers, timers, shutdown

    /**
     * Replaces the set of known peer addresses. Addresses lower than ours become dial targets (new
     * ones are dialed at once); addresses no longer in the set are never redialed (live
     * connections to them are left alone).
     */
    public void setPeers(Set<PeerAddress> peers, long nowMs, List<ConnEvent> events) {
        Check.notNull(peers, "peers");
        if (shutdown) {
            return;
        }
        dials.setPeers(peers, nowMs);
        dialDue(nowMs, events);
    }

    /** Does everything that is due at {@code nowMs}: timeouts, pings, dials. */
    public void onTimer(long nowMs, List<ConnEvent> events) {
        // Only the incarnations that are due, in incarnation order: the same events, in the same
        // order, as a walk over every live incarnation would give.
        connTimers.takeDue(nowMs, dueConns);
        dueConns.sort(BY_INCARNATION);
        for (Conn c : dueConns) {
            if (c.ended) {
                continue; // ended by an earlier iteration (cannot happen today; cheap to be safe)
            }
            switch (c.state) {
                case ESTABLISHED -> {
                    if (nowMs - c.lastInboundAtMs >= limits.inactivityTimeoutMs()) {
                        closeLive(c, ExitCause.INACTIVITY, nowMs, events);
                    } else if (nowMs >= c.nextPingAtMs) {
                        c.nextPingAtMs = nowMs + limits.pingIntervalMs();
                        send(c.incarnation, new WireMsg.Ping(), nowMs, events);
                    }
                }
                case DIALING, ACCEPTING -> {
                    if (nowMs - c.allocatedAtMs >= limits.handshakeTimeoutMs()) {
                        closeLive(c, ExitCause.INACTIVITY, nowMs, events);
                    }
                }
            }
            if (!c.ended) {
                connTimers.update(c);
            }
        }
        dueConns.clear();
        dialDue(nowMs, events);
    }

    /** Closes every live incarnation and stops dialing for good. */
    public void shutdown(long nowMs, List<ConnEvent> events) {
        if (shutdown) {
            return;
        }
        shutdown = true;
        dials.stop();
        for (Conn c : new ArrayList<>(live.values())) {
            closeLive(c, ExitCause.SHUTDOWN, nowMs, events);
        }
    }

    /** The earliest time at which {@link #onTimer} has something to do, or {@link Long#MAX_VALUE}. */
    public long nextDeadlineMs() {
        return Math.min(connTimers.nextMs(), dials.nextDueMs());
    }

    /** {@link #nextDeadlineMs} the slow way, by walking everything (the invariant check's reference). */
    private long scannedDeadlineMs() {
        long next = Long.MAX_VALUE;
        for (Conn c : live.values()) {
            switch (c.state) {
                case ESTABLISHED -> {
                    next = Math.min(next, c.lastInboundAtMs + limits.inactivityTimeoutMs());
                    next = Math.min(next, c.nextPingAtMs);
                }
                case DIALING, ACCEPTING -> next = Math.min(next, c.allocatedAtMs + limits.handshakeTimeoutMs());
            }
        }
        return Math.min(next, dials.scannedDueMs());
    }

    // ---------------------------------------------------------------------------------------
    // Queries

    public boolean isShutdown() {
        return shutdown;
    }

    /** The peer's current established incarnation, if any. */
    public OptionalLong currentIncarnation(NodeId peer) {
        Long inc = establishedByPeer.get(peer);
        return inc == null ? OptionalLong.empty() : OptionalLong.of(inc);
    }

    /** The peer of an established incarnation, or null if {@code inc} is not live and established. */
    public NodeId establishedPeer(long inc) {
        Conn c = live.get(inc);
        return c != null && c.state == State.ESTABLISHED ? c.peer : null;
    }

    /** The state of a live incarnation; empty once it is gone. */
    public Optional<State> state(long inc) {
        Conn c = live.get(inc);
        return c == null ? Optional.empty() : Optional.of(c.state);
    }

    /** Peers with an established incarnation, in id order. */
    public List<NodeId> connectedPeers() {
        return List.copyOf(establishedByPeer.keySet());
    }

    public boolean isConnected(NodeId peer) {
        return establishedByPeer.containsKey(peer);
    }

    /** Frames handed to the driver on {@code inc} and not yet flushed (0 if not live). */
    public int queuedFrames(long inc) {
        Conn c = live.get(inc);
        return c == null ? 0 : c.queuedFrames;
    }

    /** Live incarnations, ascending. */
    public List<Long> liveIncarnations() {
        return List.copyOf(live.keySet());
    }

    /** The addresses this node is responsible for dialing, ascending. */
    public List<PeerAddress> dialTargets() {
        return dials.targets();
    }

    /** Consecutive failed attempts recorded for a dial target (0 if none or not a target). */
    public int dialFailures(PeerAddress address) {
        return dials.failures(address);
    }

    /** When the dial target may be dialed next; empty if it is not a target. */
    public OptionalLong nextDialAtMs(PeerAddress address) {
        return dials.nextDialAtMs(address);
    }

    /** How many events about non-live incarnations were ignored so far. */
    public long droppedEvents() {
        return droppedEvents;
    }

    /** The delay before redial attempt {@code failures} (>= 1), without jitter. */
    public static long backoffCeilingMs(EngineLimits limits, int failures) {
        return DialPolicy.backoffCeilingMs(limits, failures);
    }

    /** Throws {@link Check.InvariantViolation} if the table's structures disagree. */
    public void checkInvariants() {
        int accepting = 0;
        for (Map.Entry<Long, Conn> e : live.entrySet()) {
            Conn c = e.getValue();
            long inc = e.getKey();
            Check.state(c.incarnation == inc, "incarnation %d stored under key %d", c.incarnation, inc);
            Check.state(inc > 0 && inc < nextIncarnation, "incarnation %d was never allocated", inc);
            Check.state(c.queuedFrames >= 0 && c.queuedFrames <= limits.outboundQueueCapacityFrames(),
                    "incarnation %d has %d queued frames", inc, c.queuedFrames);
            switch (c.state) {
                case ESTABLISHED -> {
                    Check.state(c.peer != null, "established incarnation %d has no peer", inc);
                    Long current = establishedByPeer.get(c.peer);
                    Check.state(current != null && current == inc,
                            "established incarnation %d is not the current one of %s", inc, c.peer);
                }
                case DIALING -> {
                    Check.state(c.peer == null && c.queuedFrames == 0, "dialing incarnation %d has a peer or frames", inc);
                    Check.state(c.dialedAddress != null, "dialing incarnation %d has no address", inc);
                }
                case ACCEPTING -> {
                    Check.state(c.peer == null && c.queuedFrames == 0, "accepting incarnation %d has a peer or frames", inc);
                    Check.state(c.dialedAddress == null, "accepting incarnation %d has a dial address", inc);
                    accepting++;
                }
            }
            if (c.dialedAddress != null) {
                Long dial = liveDialByAddress.get(c.dialedAddress);
                Check.state(dial != null && dial == inc, "incarnation %d dialed %s but is not indexed", inc,
                        c.dialedAddress);
            }
            if (shutdown) {
                Check.state(c.state == State.ACCEPTING, "incarnation %d is %s after shutdown", inc, c.state);
            }
        }
        for (Map.Entry<NodeId, Long> e : establishedByPeer.entrySet()) {
            Conn c = live.get(e.getValue());
            Check.state(c != null && c.state == State.ESTABLISHED && e.getKey().equals(c.peer),
                    "peer %s maps to incarnation %d which is not its established one", e.getKey(), e.getValue());
        }
        for (Map.Entry<PeerAddress, Long> e : liveDialByAddress.entrySet()) {
            Conn c = live.get(e.getValue());
            Check.state(c != null && e.getKey().equals(c.dialedAddress),
                    "address %s maps to incarnation %d which did not dial it", e.getKey(), e.getValue());
        }
        Check.state(accepting == pendingInbound, "pending inbound count %d, actual %d", pendingInbound, accepting);
        Check.state(pendingInbound <= limits.maxPendingInboundConnections(), "too many pending inbound connections");
        dials.checkTargets();
        checkTimerIndex();
    }

    /** Every pending timer is indexed no later than it is due, and the index finds the same deadline as a walk. */
    private void checkTimerIndex() {
        for (Conn c : live.values()) {
            Check.state(c.indexed() && c.keyMs() <= connDueMs(c), "incarnation %d is missing from the timer index",
                    c.incarnation);
        }
        dials.checkTimerIndex();
        Check.state(connTimers.size() == live.size(), "%d timers indexed for %d live incarnations",
                connTimers.size(), live.size());
        long walked = scannedDeadlineMs();
        long indexed = nextDeadlineMs();
        Check.state(indexed == walked, "timer index says %d, a walk says %d", indexed, walked);
    }

    // ---------------------------------------------------------------------------------------
    // Internals

    /** A method, not a lambda in the field initializer: {@code limits} is only assigned in the constructor. */
    private long connDueMs(Conn c) {
        return c.dueMs(limits);
    }

    /** Dials every target that is due, in address order (a dial changes no other target). */
    private void dialDue(long nowMs, List<ConnEvent> events) {
        dials.takeDue(nowMs, dueDials);
        for (PeerAddress address : dueDials) {
            long inc = allocateDial(address, nowMs);
            events.add(new ConnEvent.DialStarted(inc, address));
        }
        dueDials.clear();
    }

    /** Ends a live incarnation locally and reports it. */
    private void closeLive(Conn c, ExitCause cause, long nowMs, List<ConnEvent> events) {
        boolean wasCurrent = detach(c, nowMs);
        events.add(new ConnEvent.Closed(c.incarnation, cause));
        if (wasCurrent) {
            events.add(new ConnEvent.Disconnected(c.peer, c.incarnation));
        }
    }

    /**
     * Removes a live incarnation from every index and schedules a redial of its address if it was
     * an outbound one. Returns true if it was its peer's current established incarnation.
     */
    private boolean detach(Conn c, long nowMs) {
        Check.state(live.remove(c.incarnation) == c, "incarnation %d is not live", c.incarnation);
        c.ended = true;
        connTimers.remove(c);
        boolean wasCurrent = false;
        switch (c.state) {
            case ESTABLISHED -> {
                Long current = establishedByPeer.get(c.peer);
                if (current != null && current == c.incarnation) {
                    establishedByPeer.remove(c.peer);
                    wasCurrent = true;
                }
            }
            case ACCEPTING -> pendingInbound--;
            case DIALING -> { }
        }
        if (c.dialedAddress != null) {
            // Unindexed first: the policy's redial deadline must see no live dial.
            liveDialByAddress.remove(c.dialedAddress);
            dials.dialEnded(c.dialedAddress, nowMs);
        }
        if (wasCurrent) {
            dials.peerDisconnected(c.peer);
        }
        return wasCurrent;
    }

    private String notLiveReason(long inc, String what) {
        return what + (inc > 0 && inc < nextIncarnation ? " for an incarnation that already ended"
                : " for an incarnation that was never allocated");
    }

    private void drop(long inc, String reason, List<ConnEvent> events) {
        droppedEvents++;
        events.add(new ConnEvent.Dropped(inc, reason));
    }
}
