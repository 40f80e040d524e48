package org.trustquorum.core.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.trustquorum.core.Check;
import org.trustquorum.core.Mutation;
import org.trustquorum.core.api.CommitStatus;
import org.trustquorum.core.auth.ConfigAuthority;
import org.trustquorum.core.api.NodeError;
import org.trustquorum.core.api.NodeStatus;
import org.trustquorum.core.model.Alarm;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.PersistentState;
import org.trustquorum.core.model.Result;
import org.trustquorum.core.msg.ProxyOp;
import org.trustquorum.core.msg.ProxyResult;
import org.trustquorum.core.protocol.Envelope;
import org.trustquorum.core.protocol.Node;
import org.trustquorum.core.protocol.NodeCtx;
import org.trustquorum.core.protocol.Refusal;

/**
 * One node: the trust quorum protocol, its connections, its proxy and its gossip, behind a single
 * step function. Drivers never call it themselves: an {@link EngineHost} does, and keeps the
 * contract every driver shares:
 *
 * <pre>
 *   Step s = engine.step(input, now);
 *   if (s.persist() != null) make it durable;   // before anything else leaves the node
 *   perform s.afterPersist() in order;
 *   arm one timer for engine.nextDeadlineMs();
 * </pre>
 *
 * It never blocks, never reads a clock and draws randomness only from the generator it was given.
 */
public final class NodeEngine {
    private final NodeCtx ctx;
    private final Node node;
    private final ConnectionEngine conn;
    private final StatusWatches watches;
    private final Mutation mutation;

    /**
     * @param authority the control plane's public key: the node acts only on configurations it signed
     */
    public NodeEngine(NodeId self, PeerAddress selfAddress, PersistentState loaded, EngineLimits limits,
            RandomGenerator rng, ConfigAuthority authority) {
        this(self, selfAddress, loaded, limits, rng, authority, Mutation.NONE);
    }

    /** With a deliberate bug switched on (simulator only). */
    public NodeEngine(NodeId self, PeerAddress selfAddress, PersistentState loaded, EngineLimits limits,
            RandomGenerator rng, ConfigAuthority authority, Mutation mutation) {
        this.mutation = Check.notNull(mutation, "mutation");
        this.ctx = new NodeCtx(self, loaded);
        this.node = new Node(ctx, rng, authority, mutation);
        this.conn = new ConnectionEngine(self, selfAddress, limits, rng, DurableNetworkConfig.loaded(loaded),
                DurableNetworkConfig.membersOfLatestConfig(ctx), mutation);
        this.watches = new StatusWatches(rng);
    }

    /**
     * Handles one input at {@code nowMs}. Package-private: drivers go through {@link EngineHost},
     * which keeps the driver contract around this call.
     */
    Step step(Input input, long nowMs) {
        List<Output> out = new ArrayList<>();
        conn.handle(input, nowMs, out);
        runProtocol(nowMs, out);
        watches.afterStep(this::status, !conn.isShutdown(), nowMs, out);
        return finish(out);
    }

    private Step finish(List<Output> out) {
        DurableNetworkConfig.record(conn.gossip(), ctx);
        for (Alarm a : ctx.drainNewAlarms()) {
            out.add(new Output.RaiseAlarm(a));
        }
        for (Refusal r : ctx.drainNewRefusals()) {
            out.add(new Output.PeerRefused(r.peer(), r.kind(), r.reason()));
        }
        PersistentState persist = ctx.takeStateChanged() ? ctx.state() : null;
        return new Step(persist, out);
    }

    /** Feeds the connection layer's events to the protocol until both are quiet. */
    private void runProtocol(long nowMs, List<Output> out) {
        ProtocolEvent ev;
        while ((ev = conn.pollProtocolEvent()) != null) {
            switch (ev) {
                case ProtocolEvent.PeerConnected c -> node.onConnect(ctx, c.peer());
                case ProtocolEvent.PeerDisconnected d -> node.onDisconnect(ctx, d.peer());
                case ProtocolEvent.PeerMessage m -> node.handle(ctx, m.from(), m.msg());
                case ProtocolEvent.ProxiedRequest r -> {
                    // The destination answers a proxied request itself; it never forwards it.
                    ProxyResult result = runProxied(r.op());
                    if (result instanceof ProxyResult.Failed f && f.error() instanceof NodeError.Unauthorized u) {
                        ctx.refuse(r.from(), "ProxyRequest(" + ProxyOp.kind(r.op()) + ")", u.reason());
                    }
                    conn.answerProxyRequest(r.incarnation(), r.requestId(), result, nowMs, out);
                    if (mutation == Mutation.REPROXY_REQUEST) {
                        conn.handle(new Input.ApiCall(Long.MIN_VALUE + r.requestId(),
                                new ApiRequest.Proxy(r.from(), r.op())), nowMs, out);
                    }
                }
                case ProtocolEvent.ApiForProtocol a -> {
                    if (a.request() instanceof ApiRequest.Watch w) {
                        watches.onWatch(a.replyId(), w, status(), !conn.isShutdown(), nowMs, out);
                    } else {
                        out.add(new Output.Reply(a.replyId(), runApi(a.request())));
                    }
                }
            }
            for (Envelope e : ctx.drainEnvelopes()) {
                conn.sendProtocol(e.to(), e.msg(), nowMs, out);
            }
        }
    }

    private ApiResponse runApi(ApiRequest request) {
        return switch (request) {
            case ApiRequest.Reconfigure r -> new ApiResponse.Reconfigured(node.coordinateReconfiguration(ctx, r.request()));
            case ApiRequest.Commit c -> new ApiResponse.Committed(node.commit(ctx, c.rackId(), c.epoch(), c.commitSignature()));
            case ApiRequest.PrepareAndCommit p ->
                    new ApiResponse.PreparedAndCommitted(node.prepareAndCommit(ctx, p.config(), p.commitSignature()));
            case ApiRequest.LoadRackSecret l -> new ApiResponse.SecretLoaded(node.loadRackSecret(ctx, l.epoch()));
            case ApiRequest.Status s -> new ApiResponse.StatusReport(status());
            case ApiRequest.ClearSecrets c -> {
                node.clearSecrets();
                yield new ApiResponse.SecretsCleared();
            }
            case ApiRequest.Proxy p -> throw new Check.InvariantViolation("proxy calls are handled by the connection layer");
            case ApiRequest.UpdateNetworkConfig u ->
                    throw new Check.InvariantViolation("network config is handled by the connection layer");
            case ApiRequest.Watch w -> throw new Check.InvariantViolation("watches are answered by the status watches");
        };
    }

    private ProxyResult runProxied(ProxyOp op) {
        return switch (op) {
            case ProxyOp.Commit c -> commitResult(node.commit(ctx, c.rackId(), c.epoch(), c.commitSignature()));
            case ProxyOp.PrepareAndCommit p -> commitResult(node.prepareAndCommit(ctx, p.config(), p.commitSignature()));
            case ProxyOp.Status s -> new ProxyResult.Status(status());
        };
    }

    private static <E extends NodeError> ProxyResult commitResult(Result<CommitStatus, E> r) {
        return switch (r) {
            case Result.Ok<CommitStatus, E> ok -> new ProxyResult.Commit(ok.value());
            case Result.Err<CommitStatus, E> err -> new ProxyResult.Failed(err.error());
        };
    }

    /** The node's status: protocol state, connected peers and in-flight proxied requests. */
    public NodeStatus status() {
        return node.status(ctx, conn.proxiedRequests());
    }

    /** The earliest time the driver must deliver {@link Input.TimerFired}, or {@link Long#MAX_VALUE}. */
    public long nextDeadlineMs() {
        return Math.min(conn.nextDeadlineMs(), watches.nextDeadlineMs());
    }

    /** Status watches held now (answered when the status changes or their wait ends). */
    public int heldWatches() {
        return watches.heldCount();
    }

    public NodeId id() {
        return ctx.me();
    }

    /** The current persistent state (what the last persist made durable, plus nothing else). */
    public PersistentState state() {
        return ctx.state();
    }

    public List<Alarm> alarms() {
        return ctx.alarms();
    }

    /** How many peer frames this node refused as unauthorised since it started. */
    public long refusedFrames() {
        return ctx.refusedFrames();
    }

    /** For inspection by tests and the simulator's invariants. */
    public Node protocol() {
        return node;
    }

    public ConnectionEngine connections() {
        return conn;
    }

    /**
     * Checks the engine's own invariants: connection table, tracker, that the gossiped network
     * config is exactly the stored one, and that the protocol's view of connected peers is exactly
     * the connection table's.
     */
    public void checkInvariants() {
        conn.checkInvariants();
        watches.checkInvariants();
        Check.state(!conn.isShutdown() || watches.heldCount() == 0, "%s holds status watches after shutdown", ctx.me());
        Check.state(java.util.Objects.equals(DurableNetworkConfig.loaded(ctx.state()),
                conn.gossip().current().orElse(null)), "%s: gossiped network config %s is not the stored %s", ctx.me(),
                conn.gossip().current(), ctx.state().networkConfig());
        Check.state(List.copyOf(ctx.connected()).equals(conn.connectedPeers()),
                "%s: protocol thinks %s are connected, connection table has %s", ctx.me(), ctx.connected(),
                conn.connectedPeers());
    }
}
