package org.trustquorum.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.LongSupplier;
import org.trustquorum.core.engine.ApiRequest;
import org.trustquorum.core.engine.Input;
import org.trustquorum.core.engine.Output;
import org.trustquorum.core.engine.ProxyError;
import org.trustquorum.core.model.Configuration;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.EpochShare;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.PersistentState;
import org.trustquorum.core.model.Result;
import org.trustquorum.core.msg.PeerMsg;
import org.trustquorum.core.msg.WireMsg;
import org.trustquorum.sim.log.SpecTrace;

/**
 * The spec trace (tla-traces/README.md): the spec actions a node's step performed, derived from
 * what the step changed (durable state, the share being computed, the coordinator's acks). Only
 * used when the run writes a spec trace; it reads the nodes and never changes them.
 */
final class SpecActions {
    /** What the node looked like before the step being handled. */
    record Before(PersistentState durable, Epoch computing, List<NodeId> acked, int ackFrom) {}

    private final SpecTrace specTrace;
    private final Map<NodeId, SimNode> byId;
    /** The simulation's virtual clock, read at each event. */
    private final LongSupplier now;

    SpecActions(SpecTrace specTrace, Map<NodeId, SimNode> byId, LongSupplier now) {
        this.specTrace = specTrace;
        this.byId = byId;
        this.now = now;
    }

    private void spec(String kind, int node, int peer, long epoch, long inc, long req, int k, List<Integer> members,
            String reason) {
        specTrace.event(now.getAsLong(), kind, node, peer, epoch, inc, req, k, members, reason);
    }

    Before before(SimNode n, Input in) {
        List<NodeId> acked = null;
        int ackFrom = 0;
        if (in instanceof Input.FrameReceived f && f.msg() instanceof WireMsg.Protocol pm
                && pm.msg() instanceof PeerMsg.PrepareAck) {
            var cs = n.engine.protocol().coordinatorStatus();
            acked = cs == null ? List.of() : cs.acked();
            SimConn.End e = n.ends.get(f.incarnation());
            ackFrom = e == null ? 0 : e.peerNode().index + 1;
        }
        return new Before(n.ledger.durable(), n.engine.protocol().computingShareFor(), acked, ackFrom);
    }

    /**
     * The spec actions one step performed, in the order the spec needs them. {@code persisted} is
     * the state the step makes durable (null if none).
     */
    void protocolEvents(SimNode n, Input in, Before b, PersistentState persisted) {
        if (b == null) {
            return;
        }
        PersistentState s0 = b.durable();
        PersistentState s1 = persisted != null ? persisted : s0;
        int me = n.index + 1;
        boolean prepareFrame = in instanceof Input.FrameReceived f && f.msg() instanceof WireMsg.Protocol pm
                && pm.msg() instanceof PeerMsg.Prepare;
        if (s1 != s0) {
            for (EpochShare sh : s1.shares()) {
                Epoch e = sh.epoch();
                if (s0.share(e).isPresent()) {
                    continue;
                }
                Configuration c = s1.config(e).orElse(null);
                if (c == null) {
                    continue;
                }
                if (c.coordinator().equals(n.id) && s0.config(e).isEmpty()) {
                    List<Integer> members = new ArrayList<>();
                    for (NodeId m : c.memberIds()) {
                        members.add(byId.get(m).index + 1);
                    }
                    spec("Reconfigure", me, 0, e.value(), 0, 0, c.threshold().value(), members, null);
                } else if (prepareFrame) {
                    spec("Prepare", me, byId.get(c.coordinator()).index + 1, e.value(), 0, 0, 0, null, null);
                }
            }
            for (Epoch e : s1.commits()) {
                if (s0.isCommitted(e)) {
                    continue;
                }
                boolean computed = b.computing().equals(e) && s0.share(e).isEmpty() && !prepareFrame;
                spec(computed ? "ComputeShare" : "Commit", me, 0, e.value(), 0, 0, 0, null, null);
            }
        }
        Epoch computing = n.up && n.engine != null ? n.engine.protocol().computingShareFor() : Epoch.NONE;
        if (!computing.isNone() && !computing.equals(b.computing())) {
            spec("PrepareAndCommit", me, 0, computing.value(), 0, 0, 0, null, null);
        }
        if (s1.isExpunged() && !s0.isExpunged()) {
            spec("Expunge", me, 0, s1.expunged().epoch().value(), 0, 0, 0, null, null);
        }
        if (b.acked() != null && n.engine != null) {
            var cs = n.engine.protocol().coordinatorStatus();
            if (cs != null && in instanceof Input.FrameReceived f && f.msg() instanceof WireMsg.Protocol pm
                    && pm.msg() instanceof PeerMsg.PrepareAck ack && cs.epoch().equals(ack.epoch())
                    && cs.acked().size() > b.acked().size() && b.ackFrom() != 0) {
                spec("Ack", me, b.ackFrom(), ack.epoch().value(), 0, 0, 0, null, null);
            }
        }
        boolean loadStep = in instanceof Input.ApiCall call && call.request() instanceof ApiRequest.LoadRackSecret
                || in instanceof Input.FrameReceived f2 && f2.msg() instanceof WireMsg.Protocol pm2
                        && pm2.msg() instanceof PeerMsg.Share;
        if (loadStep && n.engine != null) {
            Epoch latest = s1.latestCommittedEpoch();
            if (!latest.isNone() && !n.exportedLoads.contains(latest)
                    && n.engine.protocol().loadedEpochs().contains(latest)) {
                n.exportedLoads.add(latest);
                TreeSet<Integer> from = new TreeSet<>(n.shareSenders.getOrDefault(latest, new TreeSet<>()));
                if (s1.share(latest).isPresent()) {
                    from.add(me);
                }
                spec("LoadSecret", me, 0, latest.value(), 0, 0, 0, new ArrayList<>(from), null);
            }
        }
    }

    /**
     * The spec's view of a proxy call's reply: at the call (refusals) or later (completions).
     * {@code currentInput} is the input of the step whose outputs are being released.
     */
    void proxyOutcome(SimNode n, ApiRequest.Proxy proxy, Output.Reply r, Input currentInput) {
        Result<?, ?> outcome = ReplyAdapter.proxyOutcome(r.response());
        boolean atCall = currentInput instanceof Input.ApiCall call && call.replyId() == r.replyId();
        int me = n.index + 1;
        int dest = byId.get(proxy.destination()).index + 1;
        switch (outcome) {
            case Result.Ok<?, ?> ok -> spec("ProxyRespond", me, 0, 0, 0, r.replyId(), 0, null, null);
            case Result.Err<?, ?> err -> {
                switch ((ProxyError) err.error()) {
                    case ProxyError.Inner i ->
                            spec("ProxyRespond", me, 0, 0, 0, r.replyId(), 0, null, null);
                    case ProxyError.Disconnected d -> {
                        if (atCall) {
                            spec("ProxySend", me, dest, 0, 0, r.replyId(), 0, null, null);
                        }
                    }
                    case ProxyError.Busy bz ->
                            spec("ProxyBusy", me, dest, 0, 0, r.replyId(), 0, null, null);
                    case ProxyError.Timeout t ->
                            spec("ProxyFail", me, 0, 0, 0, r.replyId(), 0, null, "timeout");
                    case ProxyError.InvalidResponse i ->
                            spec("ProxyFail", me, 0, 0, 0, r.replyId(), 0, null, "invalid");
                    case ProxyError.Shutdown sd -> { }
                }
            }
        }
    }
}
