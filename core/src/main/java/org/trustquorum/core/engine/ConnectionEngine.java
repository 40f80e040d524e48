package org.trustquorum.core.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.random.RandomGenerator;
import org.trustquorum.core.Check;
import org.trustquorum.core.Mutation;
import org.trustquorum.core.api.NodeStatus;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.Result;
import org.trustquorum.core.msg.PeerMsg;
import org.trustquorum.core.msg.ProxyResult;
import org.trustquorum.core.msg.WireMsg;

/**
 * The connection half of a node engine: the {@link ConnectionTable}, the {@link ProxyTracker} and
 * the {@link NetworkConfigGossip}, glued together. Pure and single-threaded; time is an argument.
 *
 * <p>It handles every connection input itself and turns the table's events into outputs. What
 * belongs to the protocol (protocol frames, proxied requests from peers, the other API calls,
 * peer connect/disconnect) is queued as {@link ProtocolEvent}s; the owner drains them with
 * {@link #pollProtocolEvent()} after each call - including after its own
 * {@link #sendProtocol}/{@link #answerProxyRequest} calls, which may close an overflowing
 * connection and so queue a disconnect.
 */
public final class ConnectionEngine {

    private final NodeId self;
    private final ConnectionTable table;
    private final ProxyTracker tracker;
    private final NetworkConfigGossip gossip;
    private final GossipGate gossipGate;
    private final ArrayDeque<ProtocolEvent> forProtocol = new ArrayDeque<>();
    private boolean shutdown;
    private final Mutation mutation;
    private long lastNowMs = Long.MIN_VALUE;

    public ConnectionEngine(NodeId self, PeerAddress selfAddress, EngineLimits limits, RandomGenerator rng) {
        this(self, selfAddress, limits, rng, null);
    }

    /** {@code initialNetworkConfig} is the gossip value loaded from elsewhere, or null. */
    public ConnectionEngine(NodeId self, PeerAddress selfAddress, EngineLimits limits, RandomGenerator rng,
            WireMsg.NetworkConfig initialNetworkConfig) {
        this(self, selfAddress, limits, rng, initialNetworkConfig, Mutation.NONE);
    }

    /** With a deliberate bug switched on (simulator only). */
    public ConnectionEngine(NodeId self, PeerAddress selfAddress, EngineLimits limits, RandomGenerator rng,
            WireMsg.NetworkConfig initialNetworkConfig, Mutation mutation) {
        this(self, selfAddress, limits, rng, initialNetworkConfig, GossipGate.OPEN, mutation);
    }

    /** {@code gossipGate} decides which peers may replace the gossiped network configuration. */
    public ConnectionEngine(NodeId self, PeerAddress selfAddress, EngineLimits limits, RandomGenerator rng,
            WireMsg.NetworkConfig initialNetworkConfig, GossipGate gossipGate, Mutation mutation) {
        this.gossipGate = Check.notNull(gossipGate, "gossip gate");
        this.mutation = Check.notNull(mutation, "mutation");
        this.self = Check.notNull(self, "self");
        this.table = new ConnectionTable(self, selfAddress, limits, rng, mutation);
        this.tracker = new ProxyTracker(limits);
        this.gossip = new NetworkConfigGossip(initialNetworkConfig);
    }

    // ---------------------------------------------------------------------------------------
    // Inputs

    /**
     * Handles one input at time {@code nowMs}, appending outputs to {@code out}. Protocol events
     * of the previous call must have been drained.
     */
    public void handle(Input input, long nowMs, List<Output> out) {
        Check.notNull(input, "input");
        Check.state(forProtocol.isEmpty(), "%d protocol events of an earlier call were not drained",
                forProtocol.size());
        advanceClock(nowMs);
        List<ConnEvent> events = new ArrayList<>();
        switch (input) {
            case Input.ApiCall call -> onApiCall(call, nowMs, out);
            case Input.Accept a -> {
                long inc = table.allocateInbound(nowMs, events);
                out.add(new Output.Accepted(inc));
                apply(events, nowMs, out);
            }
            case Input.FrameReceived frame -> onFrame(frame, nowMs, out);
            case Input.ConnEstablished e -> {
                table.established(e.incarnation(), e.peer(), nowMs, events);
                apply(events, nowMs, out);
            }
            case Input.ConnExited x -> {
                table.exited(x.incarnation(), x.cause(), nowMs, events);
                apply(events, nowMs, out);
            }
            case Input.FramesFlushed f -> {
                table.flushed(f.incarnation(), f.count(), events);
                apply(events, nowMs, out);
            }
            case Input.TimerFired t -> {
                // Deadlines first: a request whose time is up reports Timeout even if its
                // connection is closed for inactivity in the same instant.
                List<ProxyTracker.Completion> expired = new ArrayList<>();
                tracker.expire(nowMs, expired);
                reply(expired, out);
                table.onTimer(nowMs, events);
                apply(events, nowMs, out);
            }
            case Input.PeersChanged p -> {
                table.setPeers(p.peers(), nowMs, events);
                apply(events, nowMs, out);
            }
            case Input.Shutdown s -> onShutdown(nowMs, out);
        }
    }

    /**
     * The driver accepted a socket: allocates its incarnation (before the handshake). If the node
     * is shut down or too many accepts are pending, a {@link Output.CloseConn} for it is appended.
     */
    public long allocateInbound(long nowMs, List<Output> out) {
        advanceClock(nowMs);
        List<ConnEvent> events = new ArrayList<>();
        long inc = table.allocateInbound(nowMs, events);
        apply(events, nowMs, out);
        return inc;
    }

    // ---------------------------------------------------------------------------------------
    // Hooks for the protocol's owner

    /** The next queued event for the protocol, or null if none. */
    public ProtocolEvent pollProtocolEvent() {
        return forProtocol.poll();
    }

    /** All queued events for the protocol, in order. */
    public List<ProtocolEvent> drainProtocolEvents() {
        List<ProtocolEvent> all = new ArrayList<>(forProtocol);
        forProtocol.clear();
        return all;
    }

    /**
     * Sends a protocol message on {@code to}'s current connection. Returns false if there is none
     * (the message is dropped: the protocol re-sends on the next connect) or if the frame did not
     * fit and the connection was closed (a disconnect is then queued for the protocol).
     */
    public boolean sendProtocol(NodeId to, PeerMsg msg, long nowMs, List<Output> out) {
        Check.notNull(to, "to");
        Check.notNull(msg, "msg");
        advanceClock(nowMs);
        OptionalLong inc = table.currentIncarnation(to);
        if (inc.isEmpty()) {
            out.add(new Output.TraceEvent("protocol.unsent", PeerMsg.kind(msg) + " to " + to + ": not connected"));
            return false;
        }
        return sendOn(inc.getAsLong(), new WireMsg.Protocol(msg), nowMs, out);
    }

    /**
     * Answers a request a peer proxied to this node, on the incarnation it arrived on. If that
     * incarnation is gone the answer is dropped (the requester sees the exit instead). Returns
     * true if the answer was handed to the driver.
     */
    public boolean answerProxyRequest(long incarnation, long requestId, ProxyResult result, long nowMs,
            List<Output> out) {
        Check.notNull(result, "result");
        advanceClock(nowMs);
        return sendOn(incarnation, new WireMsg.ProxyResponse(requestId, result), nowMs, out);
    }

    // ---------------------------------------------------------------------------------------
    // Queries

    /** The earliest time the engine needs a {@link Input.TimerFired}, or {@link Long#MAX_VALUE}. */
    public long nextDeadlineMs() {
        return Math.min(table.nextDeadlineMs(), tracker.nextDeadlineMs());
    }

    public NodeId self() {
        return self;
    }

    public boolean isShutdown() {
        return shutdown;
    }

    public List<NodeId> connectedPeers() {
        return table.connectedPeers();
    }

    /** In-flight proxied requests, for node status. */
    public List<NodeStatus.ProxiedRequest> proxiedRequests() {
        return tracker.statusView();
    }

    /** The connection table, for inspection (tests, simulator invariants). */
    public ConnectionTable table() {
        return table;
    }

    /** The proxy tracker, for inspection. */
    public ProxyTracker tracker() {
        return tracker;
    }

    /** The network-config gossip, for inspection. */
    public NetworkConfigGossip gossip() {
        return gossip;
    }

    /** Checks the table, the tracker, and that every tracked request waits on a live connection to its destination. */
    public void checkInvariants() {
        table.checkInvariants();
        tracker.checkInvariants(table::establishedPeer);
        Check.state(!shutdown || tracker.size() == 0, "proxy requests tracked after shutdown");
        Check.state(shutdown == table.isShutdown(), "engine and table disagree about shutdown");
    }

    // ---------------------------------------------------------------------------------------
    // Internals

    private void advanceClock(long nowMs) {
        Check.argument(nowMs >= lastNowMs, "time went backwards: %d after %d", nowMs, lastNowMs);
        lastNowMs = nowMs;
    }

    private void onApiCall(Input.ApiCall call, long nowMs, List<Output> out) {
        switch (call.request()) {
            case ApiRequest.Proxy p -> onProxyCall(call.replyId(), p, nowMs, out);
            case ApiRequest.UpdateNetworkConfig u -> onNetworkConfigUpdate(call.replyId(), u, nowMs, out);
            case ApiRequest.Reconfigure r -> forProtocol.add(new ProtocolEvent.ApiForProtocol(call.replyId(), r));
            case ApiRequest.Commit c -> forProtocol.add(new ProtocolEvent.ApiForProtocol(call.replyId(), c));
            case ApiRequest.PrepareAndCommit p ->
                    forProtocol.add(new ProtocolEvent.ApiForProtocol(call.replyId(), p));
            case ApiRequest.LoadRackSecret l -> forProtocol.add(new ProtocolEvent.ApiForProtocol(call.replyId(), l));
            case ApiRequest.Status s -> forProtocol.add(new ProtocolEvent.ApiForProtocol(call.replyId(), s));
            case ApiRequest.ClearSecrets c -> forProtocol.add(new ProtocolEvent.ApiForProtocol(call.replyId(), c));
            case ApiRequest.Watch w -> forProtocol.add(new ProtocolEvent.ApiForProtocol(call.replyId(), w));
        }
    }

    /**
     * A proxy call either registers exactly one tracked request whose frame is handed to the
     * driver, or is answered at once with an error - never both, never neither. All checks run
     * before anything is registered or sent.
     */
    private void onProxyCall(long replyId, ApiRequest.Proxy call, long nowMs, List<Output> out) {
        ProxyError refusal;
        if (shutdown) {
            refusal = new ProxyError.Shutdown();
        } else if (tracker.isFull()) {
            refusal = new ProxyError.Busy(ProxyError.Queue.LOCAL_QUEUE);
        } else {
            OptionalLong current = table.currentIncarnation(call.destination());
            if (current.isEmpty() && mutation == Mutation.TRACK_UNSENT_PROXY_REQUEST) {
                // The reference's bug: the request is tracked although nothing was sent.
                tracker.register(replyId, call.destination(), NO_INCARNATION, call.op(), nowMs);
                return;
            }
            // Guard (case 1): without a live connection the call fails now instead of being tracked.
            if (current.isEmpty()) {
                refusal = new ProxyError.Disconnected(call.destination());
            } else if (!table.hasQueueRoom(current.getAsLong())) {
                refusal = new ProxyError.Busy(ProxyError.Queue.CONNECTION_QUEUE);
            } else {
                long inc = current.getAsLong();
                long requestId = tracker.register(replyId, call.destination(), inc, call.op(), nowMs);
                List<ConnEvent> events = new ArrayList<>();
                ConnectionTable.SendResult sent =
                        table.send(inc, new WireMsg.ProxyRequest(requestId, call.op()), nowMs, events);
                Check.state(sent == ConnectionTable.SendResult.SENT, "proxy request %d not sent after room check: %s",
                        requestId, sent);
                apply(events, nowMs, out);
                return;
            }
        }
        out.add(new Output.Reply(replyId, new ApiResponse.Proxied(Result.err(refusal))));
        out.add(new Output.TraceEvent("proxy.refused", call.destination() + ": " + refusal));
    }

    private void onNetworkConfigUpdate(long replyId, ApiRequest.UpdateNetworkConfig update, long nowMs,
            List<Output> out) {
        if (shutdown) {
            out.add(new Output.Reply(replyId,
                    new ApiResponse.NetworkConfigUpdated(Result.err(new NetworkConfigGossip.UpdateError.ShuttingDown()))));
            return;
        }
        Result<List<NodeId>, NetworkConfigGossip.UpdateError> r =
                gossip.onLocalUpdate(update.generation(), update.blob(), table.connectedPeers());
        switch (r) {
            case Result.Ok<List<NodeId>, NetworkConfigGossip.UpdateError> ok -> {
                WireMsg.NetworkConfig value = gossip.current().orElseThrow();
                for (NodeId peer : ok.value()) {
                    sendOn(table.currentIncarnation(peer).getAsLong(), value, nowMs, out);
                }
                out.add(new Output.Reply(replyId, new ApiResponse.NetworkConfigUpdated(Result.ok(update.generation()))));
            }
            case Result.Err<List<NodeId>, NetworkConfigGossip.UpdateError> err ->
                    out.add(new Output.Reply(replyId, new ApiResponse.NetworkConfigUpdated(Result.err(err.error()))));
        }
    }

    private void onFrame(Input.FrameReceived frame, long nowMs, List<Output> out) {
        List<ConnEvent> events = new ArrayList<>();
        long inc = frame.incarnation();
        NodeId from = table.frameReceived(inc, nowMs, events);
        apply(events, nowMs, out);
        if (from == null) {
            return;
        }
        switch (frame.msg()) {
            case WireMsg.Ping ping -> { }
            case WireMsg.Protocol p -> forProtocol.add(new ProtocolEvent.PeerMessage(from, p.msg()));
            case WireMsg.NetworkConfig n -> onGossip(from, n, nowMs, out);
            case WireMsg.ProxyRequest r ->
                    forProtocol.add(new ProtocolEvent.ProxiedRequest(inc, from, r.requestId(), r.op()));
            case WireMsg.ProxyResponse r -> {
                var done = tracker.onResponse(inc, r.requestId(), r.result());
                if (done.isPresent()) {
                    reply(List.of(done.get()), out);
                } else {
                    out.add(new Output.TraceEvent("proxy.ignored-response",
                            "request " + r.requestId() + " on incarnation " + inc + " from " + from));
                }
            }
        }
    }

    private void onGossip(NodeId from, WireMsg.NetworkConfig n, long nowMs, List<Output> out) {
        if (gossip.isNewer(n)) {
            Optional<String> refusal = gossipGate.refusal(from);
            if (refusal.isPresent()) {
                gossip.countRefused();
                out.add(new Output.TraceEvent("gossip.refused", "generation " + n.generation() + " from " + from
                        + ": " + refusal.get()));
                return;
            }
        }
        var forward = gossip.onReceived(from, n, table.connectedPeers());
        if (forward.isEmpty()) {
            out.add(new Output.TraceEvent("gossip.ignored", "generation " + n.generation() + " from " + from
                    + " is not newer than " + gossip.current().orElseThrow().generation()));
        } else {
            out.add(new Output.TraceEvent("gossip.accepted", "generation " + n.generation() + " from " + from));
            for (NodeId peer : forward.get()) {
                sendOn(table.currentIncarnation(peer).getAsLong(), n, nowMs, out);
            }
        }
    }

    private void onShutdown(long nowMs, List<Output> out) {
        if (shutdown) {
            return;
        }
        shutdown = true;
        List<ProxyTracker.Completion> failed = new ArrayList<>();
        tracker.failAll(new ProxyError.Shutdown(), failed);
        reply(failed, out);
        List<ConnEvent> events = new ArrayList<>();
        table.shutdown(nowMs, events);
        apply(events, nowMs, out);
    }

    private boolean sendOn(long inc, WireMsg msg, long nowMs, List<Output> out) {
        List<ConnEvent> events = new ArrayList<>();
        ConnectionTable.SendResult r = table.send(inc, msg, nowMs, events);
        apply(events, nowMs, out);
        return r == ConnectionTable.SendResult.SENT;
    }

    /** Turns table events into outputs, tracker failures and protocol events (events may grow while we go). */
    private void apply(List<ConnEvent> events, long nowMs, List<Output> out) {
        for (int i = 0; i < events.size(); i++) {
            switch (events.get(i)) {
                case ConnEvent.DialStarted d -> out.add(new Output.Dial(d.incarnation(), d.address()));
                case ConnEvent.Sent s -> out.add(new Output.SendFrame(s.incarnation(), s.msg()));
                case ConnEvent.Connected c -> {
                    out.add(new Output.TraceEvent("conn.connected", c.peer() + " on incarnation " + c.incarnation()));
                    forProtocol.add(new ProtocolEvent.PeerConnected(c.peer()));
                    var value = gossip.onConnected();
                    if (value.isPresent()) {
                        table.send(c.incarnation(), value.get(), nowMs, events);
                    }
                }
                case ConnEvent.Replaced r -> out.add(new Output.TraceEvent("conn.replaced",
                        r.peer() + ": incarnation " + r.oldIncarnation() + " replaced by " + r.newIncarnation()));
                case ConnEvent.Closed c -> {
                    out.add(new Output.CloseConn(c.incarnation(), c.cause()));
                    failRequestsOn(c.incarnation(), out);
                }
                case ConnEvent.Exited x -> failRequestsOn(x.incarnation(), out);
                case ConnEvent.Disconnected d -> {
                    out.add(new Output.TraceEvent("conn.disconnected",
                            d.peer() + " on incarnation " + d.incarnation()));
                    forProtocol.add(new ProtocolEvent.PeerDisconnected(d.peer()));
                }
                case ConnEvent.Dropped d -> out.add(new Output.TraceEvent("conn.dropped",
                        "incarnation " + d.incarnation() + ": " + d.reason()));
            }
        }
    }

    /** Marks a request that was never sent (only under {@link Mutation#TRACK_UNSENT_PROXY_REQUEST}). */
    private static final long NO_INCARNATION = 0;

    private void failRequestsOn(long inc, List<Output> out) {
        // Guard (case 7): the exiting incarnation's requests, and only those, fail now.
        if (mutation == Mutation.TRACKER_NOT_CLEARED_ON_EXIT) {
            return;
        }
        List<ProxyTracker.Completion> failed = new ArrayList<>();
        tracker.failIncarnation(inc, failed);
        reply(failed, out);
    }

    private static void reply(List<ProxyTracker.Completion> completions, List<Output> out) {
        for (ProxyTracker.Completion c : completions) {
            out.add(new Output.Reply(c.replyId(), new ApiResponse.Proxied(c.outcome())));
        }
    }
}
