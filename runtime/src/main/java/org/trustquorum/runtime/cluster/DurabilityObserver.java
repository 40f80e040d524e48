package org.trustquorum.runtime.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.trustquorum.core.api.CommitStatus;
import org.trustquorum.core.api.NodeStatus;
import org.trustquorum.core.engine.ApiRequest;
import org.trustquorum.core.engine.ApiResponse;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.Result;
import org.trustquorum.core.msg.ProxyOp;
import org.trustquorum.core.msg.ProxyResult;
import org.trustquorum.runtime.cp.Gateway;

/**
 * Remembers what each node reported about its durable state, and finds what a node no longer has
 * later (after it was killed and restarted, say). A node's promises are:
 * <ul>
 *   <li>a prepare it acknowledged (it appears in a coordinator's acked list) is durable: the node
 *       keeps both the configuration and its key share for that epoch;
 *   <li>an epoch it reported committed (in its status) stays in its committed epochs;
 *   <li>after answering COMMITTED to a commit of epoch e, its latest committed epoch is at least e
 *       (a commit of an epoch older than one already committed is answered COMMITTED too).
 * </ul>
 * Thread-safe; fed by the {@link #observing observing gateway} of the control plane and by anyone
 * who reads a status.
 */
public final class DurabilityObserver {
    private final Map<NodeId, TreeSet<Epoch>> acked = new TreeMap<>();
    private final Map<NodeId, TreeSet<Epoch>> committed = new TreeMap<>();
    private final Map<NodeId, Epoch> committedAtLeast = new TreeMap<>();

    /** Records what a status says: the node's commits, and (if it coordinates) the acks it holds. */
    public synchronized void status(NodeStatus s) {
        committed.computeIfAbsent(s.id(), k -> new TreeSet<>()).addAll(s.committedEpochs());
        NodeStatus.CoordinatorStatus cs = s.coordinator();
        if (cs != null) {
            for (NodeId member : cs.acked()) {
                acked.computeIfAbsent(member, k -> new TreeSet<>()).add(cs.epoch());
            }
        }
    }

    /** Records that {@code node} answered COMMITTED to a commit of {@code epoch}. */
    public synchronized void committedReply(NodeId node, Epoch epoch) {
        committedAtLeast.merge(node, epoch, (a, b) -> a.isBefore(b) ? b : a);
    }

    /** How many promises were recorded for a node (acked prepares and reported commits). */
    public synchronized int promises(NodeId node) {
        return acked.getOrDefault(node, new TreeSet<>()).size() + committed.getOrDefault(node, new TreeSet<>()).size();
    }

    /** What {@code now} (a fresh status of one node) has lost of what that node reported before; empty if nothing. */
    public synchronized List<String> lost(NodeStatus now) {
        List<String> out = new ArrayList<>();
        NodeId id = now.id();
        for (Epoch e : acked.getOrDefault(id, new TreeSet<>())) {
            if (!now.hasPrepared(e)) {
                out.add(id + " acknowledged the prepare of epoch " + e + " but now has " + (now.configEpochs().contains(e)
                        ? "no key share" : "no configuration") + " for it (configs " + now.configEpochs() + ", key shares "
                        + now.shareEpochs() + ")");
            }
        }
        for (Epoch e : committed.getOrDefault(id, new TreeSet<>())) {
            if (!now.committedEpochs().contains(e)) {
                out.add(id + " reported epoch " + e + " committed but now reports commits " + now.committedEpochs());
            }
        }
        Epoch floor = committedAtLeast.get(id);
        if (floor != null && now.latestCommittedEpoch().isBefore(floor)) {
            out.add(id + " answered COMMITTED for epoch " + floor + " but its latest commit is now " + now.latestCommittedEpoch());
        }
        return out;
    }

    /** A gateway that passes calls to {@code inner} and records every answer that reports durable state. */
    public Gateway observing(Gateway inner) {
        return (entry, request) -> {
            CompletableFuture<ApiResponse> f = inner.call(entry, request);
            return f.whenComplete((response, err) -> {
                if (response != null) {
                    record(entry, request, response);
                }
            });
        };
    }

    private void record(NodeId entry, ApiRequest request, ApiResponse response) {
        switch (response) {
            case ApiResponse.StatusReport s -> status(s.status());
            case ApiResponse.Watched w -> status(w.status());
            case ApiResponse.Committed c -> {
                if (request instanceof ApiRequest.Commit r && isCommitted(c.result())) {
                    committedReply(entry, r.epoch());
                }
            }
            case ApiResponse.PreparedAndCommitted p -> {
                if (request instanceof ApiRequest.PrepareAndCommit r && isCommitted(p.result())) {
                    committedReply(entry, r.config().epoch());
                }
            }
            case ApiResponse.Proxied p -> {
                if (!(request instanceof ApiRequest.Proxy r) || !(p.result() instanceof Result.Ok<ProxyResult, ?> ok)) {
                    return;
                }
                switch (ok.value()) {
                    case ProxyResult.Status st -> status(st.status());
                    case ProxyResult.Commit c -> {
                        if (c.status() == CommitStatus.COMMITTED) {
                            switch (r.op()) {
                                case ProxyOp.Commit op -> committedReply(r.destination(), op.epoch());
                                case ProxyOp.PrepareAndCommit op -> committedReply(r.destination(), op.config().epoch());
                                case ProxyOp.Status op -> { }
                            }
                        }
                    }
                    case ProxyResult.Failed x -> { }
                }
            }
            default -> { }
        }
    }

    private static boolean isCommitted(Result<CommitStatus, ?> r) {
        return r instanceof Result.Ok<CommitStatus, ?> ok && ok.value() == CommitStatus.COMMITTED;
    }
}
