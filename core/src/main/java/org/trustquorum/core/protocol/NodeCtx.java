package org.trustquorum.core.protocol;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.NavigableSet;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.trustquorum.core.Check;
import org.trustquorum.core.model.Alarm;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.PersistentState;
import org.trustquorum.core.msg.PeerMsg;

/**
 * Everything the protocol may touch outside itself: the persistent state (with a changed flag),
 * outgoing envelopes, the connected-peer set and alarms. The protocol only appends envelopes,
 * replaces the state and raises alarms; the driver drains envelopes and reads-and-clears the
 * changed flag after every call.
 */
public final class NodeCtx {
    /** Alarms are deduplicated; this bounds the set should something raise many distinct ones. */
    public static final int MAX_ALARMS = 64;

    private final NodeId me;
    private PersistentState state;
    private boolean stateChanged;
    private final List<Envelope> outgoing = new ArrayList<>();
    private final NavigableSet<NodeId> connected = new TreeSet<>();
    private final List<Alarm> alarms = new ArrayList<>();
    private final List<Alarm> newAlarms = new ArrayList<>();
    private long refusedFrames;
    /** Peers whose first refused frame was already reported. */
    private final NavigableSet<NodeId> refusedPeers = new TreeSet<>();
    private final List<Refusal> newRefusals = new ArrayList<>();

    public NodeCtx(NodeId me, PersistentState loaded) {
        this.me = Check.notNull(me, "node id");
        this.state = Check.notNull(loaded, "persistent state");
    }

    public NodeId me() {
        return me;
    }

    public PersistentState state() {
        return state;
    }

    /** Replaces the persistent state; marks it changed if the value differs. */
    public void updateState(UnaryOperator<PersistentState> change) {
        PersistentState next = change.apply(state);
        if (!next.equals(state)) {
            state = next;
            stateChanged = true;
        }
    }

    /** True if the state changed since the last call; clears the flag. */
    public boolean takeStateChanged() {
        boolean changed = stateChanged;
        stateChanged = false;
        return changed;
    }

    public void send(NodeId to, PeerMsg msg) {
        Check.state(!to.equals(me), "a node never sends to itself");
        outgoing.add(new Envelope(to, me, msg));
    }

    public List<Envelope> drainEnvelopes() {
        if (outgoing.isEmpty()) {
            return List.of();
        }
        List<Envelope> out = List.copyOf(outgoing);
        outgoing.clear();
        return out;
    }

    public NavigableSet<NodeId> connected() {
        return Collections.unmodifiableNavigableSet(connected);
    }

    void addConnected(NodeId peer) {
        connected.add(peer);
    }

    void removeConnected(NodeId peer) {
        connected.remove(peer);
    }

    public void raiseAlarm(Alarm alarm) {
        if (!alarms.contains(alarm) && alarms.size() < MAX_ALARMS) {
            alarms.add(alarm);
            newAlarms.add(alarm);
        }
    }

    public List<Alarm> alarms() {
        return Collections.unmodifiableList(alarms);
    }

    /**
     * Counts a peer frame refused as unauthorised; the first one of each peer is reported with its
     * reason. Neither the state nor the alarms change.
     */
    public void refuse(NodeId from, String kind, String reason) {
        refusedFrames++;
        if (refusedPeers.add(from)) {
            newRefusals.add(new Refusal(from, kind, reason));
        }
    }

    public long refusedFrames() {
        return refusedFrames;
    }

    /** First refusals per peer reported since the last call. */
    public List<Refusal> drainNewRefusals() {
        if (newRefusals.isEmpty()) {
            return List.of();
        }
        List<Refusal> out = List.copyOf(newRefusals);
        newRefusals.clear();
        return out;
    }

    /** Alarms raised since the last call. */
    public List<Alarm> drainNewAlarms() {
        if (newAlarms.isEmpty()) {
            return List.of();
        }
        List<Alarm> out = List.copyOf(newAlarms);
        newAlarms.clear();
        return out;
    }
}
