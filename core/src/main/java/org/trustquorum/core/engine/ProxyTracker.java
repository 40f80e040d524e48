package org.trustquorum.core.engine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongFunction;
import org.trustquorum.core.Check;
import org.trustquorum.core.api.NodeError;
import org.trustquorum.core.api.NodeStatus;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.Result;
import org.trustquorum.core.msg.ProxyOp;
import org.trustquorum.core.msg.ProxyResult;

/**
 * The client side of proxied requests: every request this node sent and is waiting an answer for.
 *
 * <p>Each request is indexed three ways - by request id, by the incarnation it was sent on, and
 * by deadline - so a response, an incarnation's exit and a timeout each find exactly their
 * requests without a scan. Every registered request leaves the tracker exactly once, through one
 * {@link Completion}: a matching response, the exit of its incarnation, its deadline, or
 * shutdown. Responses that match nothing (unknown id, wrong incarnation, already completed) are
 * ignored and counted.
 */
public final class ProxyTracker {

    /** One in-flight request. */
    public record Request(long requestId, long replyId, NodeId destination, long incarnation, ProxyOp op,
            long sentAtMs, long deadlineMs) {}

    /** A request that left the tracker, with the value or error its caller gets. */
    public record Completion(long replyId, long requestId, Result<ProxyResult, ProxyError> outcome) {}

    private record DeadlineKey(long deadlineMs, long requestId) {}

    private static final Comparator<DeadlineKey> DEADLINE_ORDER =
            Comparator.comparingLong(DeadlineKey::deadlineMs).thenComparingLong(DeadlineKey::requestId);

    private final EngineLimits limits;
    private final TreeMap<Long, Request> byId = new TreeMap<>();
    private final TreeMap<Long, TreeSet<Long>> byIncarnation = new TreeMap<>();
    private final TreeSet<DeadlineKey> byDeadline = new TreeSet<>(DEADLINE_ORDER);
    private long nextRequestId = 1;
    private long ignoredResponses;
    private long completed;

    public ProxyTracker(EngineLimits limits) {
        this.limits = Check.notNull(limits, "limits");
    }

    /** True if no further request may be registered (callers answer Busy(LOCAL_QUEUE)). */
    public boolean isFull() {
        return byId.size() >= limits.maxInFlightProxyRequests();
    }

    /**
     * Registers a request about to be sent on {@code incarnation} and returns its fresh request
     * id. The caller must have checked {@link #isFull()} and that the frame will be sent.
     */
    public long register(long replyId, NodeId destination, long incarnation, ProxyOp op, long nowMs) {
        Check.notNull(destination, "destination");
        Check.notNull(op, "op");
        Check.state(!isFull(), "proxy tracker is full (%d requests)", byId.size());
        long id = nextRequestId++;
        Request r = new Request(id, replyId, destination, incarnation, op, nowMs,
                nowMs + limits.proxyRequestTimeoutMs());
        byId.put(id, r);
        byIncarnation.computeIfAbsent(incarnation, k -> new TreeSet<>()).add(id);
        byDeadline.add(new DeadlineKey(r.deadlineMs(), id));
        return id;
    }

    /**
     * A response arrived on {@code incarnation}. It completes the request only if the id is
     * in flight and was sent on that same incarnation; otherwise it is ignored.
     */
    public Optional<Completion> onResponse(long incarnation, long requestId, ProxyResult result) {
        Check.notNull(result, "result");
        Request r = byId.get(requestId);
        if (r == null || r.incarnation() != incarnation) {
            ignoredResponses++;
            return Optional.empty();
        }
        remove(r);
        return Optional.of(new Completion(r.replyId(), requestId, interpret(r.op(), result)));
    }

    /** Fails every request sent on {@code incarnation} with Disconnected (and only those). */
    public void failIncarnation(long incarnation, List<Completion> out) {
        TreeSet<Long> ids = byIncarnation.get(incarnation);
        if (ids == null) {
            return;
        }
        for (Long id : new ArrayList<>(ids)) {
            Request r = byId.get(id);
            remove(r);
            out.add(new Completion(r.replyId(), id, Result.err(new ProxyError.Disconnected(r.destination()))));
        }
        Check.state(!byIncarnation.containsKey(incarnation), "incarnation %d still indexed", incarnation);
    }

    /** Fails every request whose deadline is at or before {@code nowMs} with Timeout. */
    public void expire(long nowMs, List<Completion> out) {
        while (!byDeadline.isEmpty() && byDeadline.first().deadlineMs() <= nowMs) {
            Request r = byId.get(byDeadline.first().requestId());
            remove(r);
            out.add(new Completion(r.replyId(), r.requestId(),
                    Result.err(new ProxyError.Timeout(nowMs - r.sentAtMs()))));
        }
    }

    /** Fails every request with {@code error} (used at shutdown), in request-id order. */
    public void failAll(ProxyError error, List<Completion> out) {
        Check.notNull(error, "error");
        for (Request r : new ArrayList<>(byId.values())) {
            remove(r);
            out.add(new Completion(r.replyId(), r.requestId(), Result.err(error)));
        }
    }

    /** The earliest deadline in flight, or {@link Long#MAX_VALUE}. */
    public long nextDeadlineMs() {
        return byDeadline.isEmpty() ? Long.MAX_VALUE : byDeadline.first().deadlineMs();
    }

    public int size() {
        return byId.size();
    }

    /** Responses ignored so far (unknown id, wrong incarnation, or already completed). */
    public long ignoredResponses() {
        return ignoredResponses;
    }

    /** Requests completed so far, whatever the outcome. */
    public long completedCount() {
        return completed;
    }

    /** In-flight requests, by request id. */
    public List<Request> inFlight() {
        return List.copyOf(byId.values());
    }

    /** Incarnations that have requests in flight, ascending. */
    public List<Long> incarnations() {
        return List.copyOf(byIncarnation.keySet());
    }

    /** The in-flight requests as reported in node status. */
    public List<NodeStatus.ProxiedRequest> statusView() {
        List<NodeStatus.ProxiedRequest> out = new ArrayList<>(byId.size());
        for (Request r : byId.values()) {
            out.add(new NodeStatus.ProxiedRequest(r.requestId(), r.destination(), ProxyOp.kind(r.op())));
        }
        return out;
    }

    /** Checks that the three indexes agree and the bound holds. */
    public void checkInvariants() {
        Check.state(byId.size() <= limits.maxInFlightProxyRequests(), "tracker holds %d requests, bound %d",
                byId.size(), limits.maxInFlightProxyRequests());
        Check.state(byDeadline.size() == byId.size(), "deadline index has %d entries, id index %d",
                byDeadline.size(), byId.size());
        int indexed = 0;
        for (Map.Entry<Long, TreeSet<Long>> e : byIncarnation.entrySet()) {
            Check.state(!e.getValue().isEmpty(), "empty request set kept for incarnation %d", e.getKey());
            for (Long id : e.getValue()) {
                Request r = byId.get(id);
                Check.state(r != null, "incarnation %d indexes unknown request %d", e.getKey(), id);
                Check.state(r.incarnation() == e.getKey(), "request %d indexed under incarnation %d but sent on %d",
                        id, e.getKey(), r.incarnation());
                indexed++;
            }
        }
        Check.state(indexed == byId.size(), "incarnation index has %d requests, id index %d", indexed, byId.size());
        for (Request r : byId.values()) {
            Check.state(r.requestId() > 0 && r.requestId() < nextRequestId, "request id %d never allocated",
                    r.requestId());
            Check.state(byDeadline.contains(new DeadlineKey(r.deadlineMs(), r.requestId())),
                    "request %d missing from the deadline index", r.requestId());
            Check.state(r.deadlineMs() == r.sentAtMs() + limits.proxyRequestTimeoutMs(),
                    "request %d has a wrong deadline", r.requestId());
        }
    }

    /**
     * {@link #checkInvariants()} plus: every request's incarnation is established and connected to
     * the request's destination ({@code establishedPeer} returns null for any other incarnation).
     */
    public void checkInvariants(LongFunction<NodeId> establishedPeer) {
        checkInvariants();
        for (Map.Entry<Long, TreeSet<Long>> e : byIncarnation.entrySet()) {
            NodeId peer = establishedPeer.apply(e.getKey());
            Check.state(peer != null, "requests %s wait on incarnation %d, which is not established", e.getValue(),
                    e.getKey());
            for (Long id : e.getValue()) {
                Check.state(peer.equals(byId.get(id).destination()),
                        "request %d for %s waits on incarnation %d connected to %s", id,
                        byId.get(id).destination(), e.getKey(), peer);
            }
        }
    }

    /** Maps a destination's answer to what the caller of {@code op} receives. */
    static Result<ProxyResult, ProxyError> interpret(ProxyOp op, ProxyResult result) {
        boolean wantsStatus = switch (op) {
            case ProxyOp.Commit c -> false;
            case ProxyOp.PrepareAndCommit p -> false;
            case ProxyOp.Status s -> true;
        };
        String expected = wantsStatus ? "Status" : "Commit";
        return switch (result) {
            case ProxyResult.Failed f -> errorFits(op, f.error()) ? Result.err(new ProxyError.Inner(f.error()))
                    : Result.err(new ProxyError.InvalidResponse(expected, ProxyResult.kind(f) + "(" + f.error().getClass().getSimpleName() + ")"));
            case ProxyResult.Commit c -> wantsStatus
                    ? Result.err(new ProxyError.InvalidResponse(expected, ProxyResult.kind(c))) : Result.ok(c);
            case ProxyResult.Status s -> wantsStatus
                    ? Result.ok(s) : Result.err(new ProxyError.InvalidResponse(expected, ProxyResult.kind(s)));
        };
    }

    /** True if {@code error} is one the operation itself can return (a Status never fails). */
    private static boolean errorFits(ProxyOp op, NodeError error) {
        return switch (op) {
            case ProxyOp.Commit c -> error instanceof NodeError.CommitError;
            case ProxyOp.PrepareAndCommit p -> error instanceof NodeError.PrepareAndCommitError;
            case ProxyOp.Status s -> false;
        };
    }

    private void remove(Request r) {
        Check.state(byId.remove(r.requestId()) == r, "request %d not in flight", r.requestId());
        TreeSet<Long> ids = byIncarnation.get(r.incarnation());
        Check.state(ids != null && ids.remove(r.requestId()), "request %d not indexed by incarnation",
                r.requestId());
        if (ids.isEmpty()) {
            byIncarnation.remove(r.incarnation());
        }
        Check.state(byDeadline.remove(new DeadlineKey(r.deadlineMs(), r.requestId())),
                "request %d not indexed by deadline", r.requestId());
        completed++;
    }
}
