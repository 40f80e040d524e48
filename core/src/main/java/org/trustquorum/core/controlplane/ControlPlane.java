package org.trustquorum.core.controlplane;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.random.RandomGenerator;
import org.trustquorum.core.Check;
import org.trustquorum.core.api.CommitStatus;
import org.trustquorum.core.api.NodeError;
import org.trustquorum.core.api.NodeStatus;
import org.trustquorum.core.api.ReconfigureRequest;
import org.trustquorum.core.auth.ControlPlaneKey;
import org.trustquorum.core.controlplane.CpLedger.Attempt;
import org.trustquorum.core.engine.ApiRequest;
import org.trustquorum.core.model.CommitProof;
import org.trustquorum.core.model.Configuration;
import org.trustquorum.core.model.CpSignature;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.RackId;
import org.trustquorum.core.model.Result;
import org.trustquorum.core.model.Threshold;

/**
 * The control plane's reconfiguration logic (the seed calls it Nexus), as a pure state machine.
 * It chooses a coordinator, asks it to coordinate, watches its acks (a standing {@link CpRequest.Watch}
 * that the coordinator answers as soon as its status changes, re-issued after each answer), decides
 * the commit at K + Z acks, and then, on every pass, commits each acked member and
 * prepares-and-commits each member that never prepared, until every member reports COMMITTED. A node it cannot reach directly (one
 * not yet in a committed configuration) is reached through a proxy: a directly reachable member.
 */
public final class ControlPlane {
    /**
     * How often the control plane makes a pass over its work (retries, aborts, commits); also how
     * long it waits before watching again after a watch failed or came back unchanged early.
     */
    public static final long POLL_INTERVAL_MS = 500;
    /** How long the coordinator may hold a watch before it answers with its unchanged status. */
    public static final long WATCH_WAIT_MS = 5_000;
    /** A call without an answer by then is forgotten (the driver should always answer sooner). */
    public static final long CALL_TIMEOUT_MS = 30_000;
    /** An uncommitted attempt whose coordinator shows no progress for this long is aborted. */
    public static final long ABORT_AFTER_MS = 20_000;

    static {
        Check.state(WATCH_WAIT_MS > 0 && WATCH_WAIT_MS <= ApiRequest.Watch.MAX_WAIT_MS && WATCH_WAIT_MS < CALL_TIMEOUT_MS,
                "a watch must be answered before its call times out");
    }

    private final RandomGenerator rng;
    /** Signs every proposal and commit decision; nodes act on nothing else. */
    private final ControlPlaneKey key;
    private final RackId rackId;
    private final List<NodeId> bootstrap;
    private Configuration latestCommitted;
    private final TreeSet<NodeId> committedNodes = new TreeSet<>();
    /** Nodes removed by a completed reconfiguration: they learn they are expunged and never return. */
    private final TreeSet<NodeId> removed = new TreeSet<>();
    private Attempt attempt;
    private Epoch nextEpoch;

    /** In-memory: calls in flight by id, with their deadline. */
    private final Map<Long, CpCall> inFlight = new TreeMap<>();
    private final Map<Long, Long> deadlines = new TreeMap<>();
    private long nextCallId = 1;
    private long nextPassMs;
    /** When the current attempt last made progress (acks grew or phase moved). */
    private long lastProgressMs;
    private int lastAckCount = -1;
    /** The node watched last and the status version it last reported (unknown at first). */
    private NodeId watchedNode;
    private long knownVersion = ApiRequest.Watch.UNKNOWN_VERSION;
    /** When a watch may next be issued, and when the last one was. */
    private long nextWatchMs;
    private long watchSentMs;
    /** Rotates the proxy chosen for a target after a failure. */
    private int proxyRotation;
    /** Cache of {@link #commitSignature()}; recomputed after a restart (signatures are deterministic). */
    private CommitProof signedCommit;
    private final List<String> log = new ArrayList<>();

    /** A fresh control plane for a new rack whose initial nodes are reachable directly. */
    public ControlPlane(RackId rackId, List<NodeId> bootstrap, ControlPlaneKey key, RandomGenerator rng) {
        this(new CpLedger(rackId, bootstrap, null, bootstrap, null, Epoch.of(1), List.of()), key, rng, 0);
    }

    /** Restores the control plane from its durable record (after a crash). */
    public ControlPlane(CpLedger ledger, ControlPlaneKey key, RandomGenerator rng, long nowMs) {
        this.rng = Check.notNull(rng, "rng");
        this.key = Check.notNull(key, "control-plane key");
        this.rackId = ledger.rackId();
        this.bootstrap = List.copyOf(ledger.bootstrap());
        this.latestCommitted = ledger.latestCommitted();
        this.committedNodes.addAll(ledger.committedNodes());
        this.removed.addAll(ledger.removed());
        this.attempt = ledger.attempt();
        this.nextEpoch = ledger.nextEpoch();
        this.nextPassMs = nowMs;
        this.lastProgressMs = nowMs;
    }

    public CpLedger ledger() {
        return new CpLedger(rackId, bootstrap, latestCommitted, List.copyOf(committedNodes), attempt, nextEpoch,
                List.copyOf(removed));
    }

    public RackId rackId() {
        return rackId;
    }

    /** The configuration the control plane decided to commit last, or null. */
    public Configuration latestCommitted() {
        return latestCommitted;
    }

    public Attempt attempt() {
        return attempt;
    }

    /** True when no reconfiguration is in progress. */
    public boolean idle() {
        return attempt == null;
    }

    public int inFlightCalls() {
        return inFlight.size();
    }

    /** Human-readable notes of decisions since the last call (for traces). */
    public List<String> drainLog() {
        List<String> out = List.copyOf(log);
        log.clear();
        return out;
    }

    /** Crash-tolerance margin Z: how many acks beyond K the commit waits for. */
    public static int extraAcks(int members, int threshold) {
        int spare = members - threshold;
        if (spare <= 1) {
            return 0;
        } else if (spare <= 4) {
            return 1;
        } else if (spare <= 7) {
            return 2;
        }
        return 3;
    }

    /**
     * Nodes the control plane can call without a proxy: the initial rack, and every node that has
     * since reported a commit, less the nodes a completed reconfiguration removed.
     */
    public boolean reachableDirectly(NodeId node) {
        return committedNodes.contains(node);
    }

    /**
     * Starts a reconfiguration to the given membership. Refused while one is in progress, and when
     * no member of the new group can coordinate.
     */
    public Result<Epoch, String> reconfigure(List<NodeId> members, int threshold, long nowMs) {
        if (attempt != null) {
            return Result.err("reconfiguration to epoch " + attempt.epoch() + " is still in progress");
        }
        TreeSet<NodeId> sorted = new TreeSet<>(members);
        if (sorted.size() < Configuration.MIN_MEMBERS || sorted.size() > Configuration.MAX_MEMBERS) {
            return Result.err("a configuration needs " + Configuration.MIN_MEMBERS + ".." + Configuration.MAX_MEMBERS
                    + " members, got " + sorted.size());
        }
        for (NodeId m : sorted) {
            if (removed.contains(m)) {
                return Result.err("node " + m + " was removed from the rack earlier; an expunged node never rejoins");
            }
        }
        if (threshold < Threshold.MIN || threshold >= sorted.size()) {
            return Result.err("threshold " + threshold + " is invalid for " + sorted.size() + " members");
        }
        List<NodeId> candidates = coordinatorCandidates(sorted);
        if (candidates.isEmpty()) {
            return Result.err("no member of the new group committed the last configuration and is reachable");
        }
        NodeId coordinator = candidates.get(rng.nextInt(candidates.size()));
        Epoch last = latestCommitted == null ? Epoch.NONE : latestCommitted.epoch();
        attempt = new Attempt(nextEpoch, last, List.copyOf(sorted), threshold, coordinator, null, false, List.of(),
                List.of());
        nextEpoch = nextEpoch.next();
        lastProgressMs = nowMs;
        lastAckCount = -1;
        nextPassMs = nowMs;
        nextWatchMs = nowMs;
        log.add("start epoch " + attempt.epoch() + " coordinator " + coordinator + " members " + sorted.size() + " k "
                + threshold);
        return Result.ok(attempt.epoch());
    }

    private List<NodeId> coordinatorCandidates(TreeSet<NodeId> members) {
        List<NodeId> out = new ArrayList<>();
        for (NodeId m : members) {
            // Between attempts every member of the latest committed configuration has confirmed it.
            boolean committedLast = latestCommitted == null ? bootstrap.contains(m) : latestCommitted.isMember(m);
            if (committedLast && reachableDirectly(m)) {
                out.add(m);
            }
        }
        return out;
    }

    /** The earliest time {@link #tick} has work. */
    public long nextDeadlineMs() {
        long next = attempt == null ? Long.MAX_VALUE
                : attempt.commitDecided() ? nextPassMs : Math.min(nextPassMs, nextWatchMs);
        for (long d : deadlines.values()) {
            next = Math.min(next, d);
        }
        return next;
    }

    /**
     * Expires overdue calls and returns the calls to make now: a whole pass when one is due,
     * otherwise the watch on the coordinator when it is due again.
     */
    public List<CpCall> tick(long nowMs) {
        expireCalls(nowMs);
        if (attempt == null) {
            return List.of();
        }
        List<CpCall> calls = new ArrayList<>();
        if (nowMs < nextPassMs) {
            if (!attempt.commitDecided()) {
                watchCoordinator(calls, nowMs);
            }
            return calls;
        }
        nextPassMs = nowMs + POLL_INTERVAL_MS;
        if (!attempt.commitDecided()) {
            if (nowMs - lastProgressMs >= ABORT_AFTER_MS) {
                abort(nowMs, "no progress for " + (nowMs - lastProgressMs) + " ms");
                return calls;
            }
            NodeId coordinator = attempt.coordinator();
            if (attempt.config() == null && !hasCallTo(coordinator, CpRequest.Reconfigure.class)) {
                Threshold k = Threshold.of(attempt.threshold());
                ReconfigureRequest req = new ReconfigureRequest(rackId, attempt.epoch(), attempt.lastCommitted(),
                        attempt.members(), k).signed(key.signRequest(rackId, attempt.epoch(), coordinator,
                                attempt.members(), k));
                call(calls, coordinator, new CpRequest.Reconfigure(req), nowMs);
            }
            watchCoordinator(calls, nowMs);
            return calls;
        }
        for (NodeId m : attempt.members()) {
            if (attempt.confirmed().contains(m) || hasCallTo(m, CpRequest.Commit.class)
                    || hasCallTo(m, CpRequest.PrepareAndCommit.class)) {
                continue;
            }
            CpSignature decision = commitSignature();
            CpRequest req = attempt.acked().contains(m) ? new CpRequest.Commit(rackId, attempt.epoch(), decision)
                    : new CpRequest.PrepareAndCommit(attempt.config(), decision);
            call(calls, m, req, nowMs);
        }
        return calls;
    }

    /** Issues the watch on the coordinator if it is due and none is in flight. */
    private void watchCoordinator(List<CpCall> calls, long nowMs) {
        NodeId coordinator = attempt.coordinator();
        if (nowMs < nextWatchMs || hasCallTo(coordinator, CpRequest.Watch.class)) {
            return;
        }
        if (!coordinator.equals(watchedNode)) {
            watchedNode = coordinator;
            knownVersion = ApiRequest.Watch.UNKNOWN_VERSION;
        }
        int before = calls.size();
        call(calls, coordinator, new CpRequest.Watch(knownVersion, WATCH_WAIT_MS), nowMs);
        watchSentMs = nowMs;
        // In flight, the answer (or the call's expiry) sets the next watch; not sent, retry later.
        nextWatchMs = calls.size() > before ? Long.MAX_VALUE : nowMs + POLL_INTERVAL_MS;
    }

    /** The signed commit decision of the current attempt (signed once, then reused). */
    private CpSignature commitSignature() {
        if (signedCommit == null || !signedCommit.epoch().equals(attempt.epoch())) {
            signedCommit = new CommitProof(attempt.epoch(), key.signCommit(attempt.config()));
        }
        return signedCommit.signature();
    }

    private void abort(long nowMs, String why) {
        log.add("abort epoch " + attempt.epoch() + ": " + why);
        List<NodeId> members = attempt.members();
        int k = attempt.threshold();
        attempt = null;
        inFlight.clear();
        deadlines.clear();
        Result<Epoch, String> retry = reconfigure(members, k, nowMs);
        if (!retry.isOk()) {
            log.add("cannot retry: " + retry.errorOrThrow());
        }
    }

    /** Aborts the current attempt on request (only before the commit is decided). */
    public boolean abortCurrent(long nowMs) {
        if (attempt == null || attempt.commitDecided()) {
            return false;
        }
        abort(nowMs, "requested");
        return true;
    }

    private boolean hasCallTo(NodeId target, Class<? extends CpRequest> kind) {
        for (CpCall c : inFlight.values()) {
            if (c.target().equals(target) && kind.isInstance(c.request())) {
                return true;
            }
        }
        return false;
    }

    private void call(List<CpCall> out, NodeId target, CpRequest request, long nowMs) {
        NodeId via = null;
        if (!reachableDirectly(target)) {
            via = chooseProxy(target);
            if (via == null) {
                return;
            }
        }
        CpCall c = new CpCall(nextCallId++, target, via, request);
        inFlight.put(c.callId(), c);
        deadlines.put(c.callId(), nowMs + CALL_TIMEOUT_MS);
        out.add(c);
    }

    private NodeId chooseProxy(NodeId target) {
        List<NodeId> options = new ArrayList<>();
        for (NodeId n : committedNodes) {
            if (!n.equals(target)) {
                options.add(n);
            }
        }
        if (options.isEmpty()) {
            return null;
        }
        return options.get(Math.floorMod(proxyRotation, options.size()));
    }

    private void expireCalls(long nowMs) {
        List<Long> expired = new ArrayList<>();
        for (Map.Entry<Long, Long> e : deadlines.entrySet()) {
            if (e.getValue() <= nowMs) {
                expired.add(e.getKey());
            }
        }
        for (long id : expired) {
            deadlines.remove(id);
            if (inFlight.remove(id).request() instanceof CpRequest.Watch) {
                watchFailed(nowMs);
            }
        }
    }

    /** Feeds the answer to a call. Answers to unknown (expired or pre-crash) calls are ignored. */
    public void onReply(long callId, CpReply reply, long nowMs) {
        CpCall call = inFlight.remove(callId);
        deadlines.remove(callId);
        if (call == null || attempt == null) {
            return;
        }
        if (reply instanceof CpReply.Unreachable u) {
            if (call.proxied()) {
                proxyRotation++;
            }
            if (call.request() instanceof CpRequest.Watch) {
                watchFailed(nowMs);
            }
            return;
        }
        switch (call.request()) {
            case CpRequest.Reconfigure r -> onReconfigureReply(r, reply, nowMs);
            case CpRequest.Status s -> {
                if (reply instanceof CpReply.StatusReport report) {
                    onStatus(call.target(), report.status(), nowMs);
                }
            }
            case CpRequest.Watch w -> onWatchReply(call.target(), w, reply, nowMs);
            case CpRequest.Commit c -> onCommitReply(call.target(), c.epoch(), reply, nowMs);
            case CpRequest.PrepareAndCommit p -> onCommitReply(call.target(), p.config().epoch(), reply, nowMs);
        }
    }

    private void onReconfigureReply(CpRequest.Reconfigure r, CpReply reply, long nowMs) {
        if (!r.request().epoch().equals(attempt.epoch())) {
            return;
        }
        if (reply instanceof CpReply.Refused refused) {
            log.add("coordinator refused epoch " + attempt.epoch() + ": " + refused.error());
            abort(nowMs, "coordinator refused: " + refused.error());
        }
    }

    /**
     * A watch came back: normally watch again at once, knowing the reported version. An unchanged
     * answer well before the wait ends (the node would not hold the watch), an answer through a
     * proxy (which cannot hold it) or a refusal waits {@link #POLL_INTERVAL_MS} first.
     */
    private void onWatchReply(NodeId from, CpRequest.Watch asked, CpReply reply, long nowMs) {
        switch (reply) {
            case CpReply.Watched w -> {
                boolean early = w.version() == asked.knownVersion() && nowMs - watchSentMs < WATCH_WAIT_MS;
                if (from.equals(watchedNode)) {
                    knownVersion = w.version();
                }
                nextWatchMs = early ? nowMs + POLL_INTERVAL_MS : nowMs;
                onStatus(from, w.status(), nowMs);
            }
            case CpReply.StatusReport s -> {
                nextWatchMs = nowMs + POLL_INTERVAL_MS;
                onStatus(from, s.status(), nowMs);
            }
            case CpReply.Reconfigured x -> watchFailed(nowMs);
            case CpReply.Committed x -> watchFailed(nowMs);
            case CpReply.Refused x -> watchFailed(nowMs);
            case CpReply.Unreachable x -> watchFailed(nowMs);
        }
    }

    /** The poll interval is the fallback: watch again after it, knowing nothing. */
    private void watchFailed(long nowMs) {
        knownVersion = ApiRequest.Watch.UNKNOWN_VERSION;
        nextWatchMs = nowMs + POLL_INTERVAL_MS;
    }

    private void onStatus(NodeId from, NodeStatus status, long nowMs) {
        if (!from.equals(attempt.coordinator()) || attempt.commitDecided()) {
            return;
        }
        NodeStatus.CoordinatorStatus cs = status.coordinator();
        if (cs == null || !cs.epoch().equals(attempt.epoch())) {
            // Not (or no longer) coordinating our epoch: it crashed and lost its memory, or never
            // started. Wait for the Reconfigure call to land; give up after ABORT_AFTER_MS.
            if (status.configEpochs().contains(attempt.epoch()) && cs == null) {
                abort(nowMs, "coordinator restarted and forgot epoch " + attempt.epoch());
            }
            return;
        }
        if (cs.config() == null || !implementsAttempt(cs.config())) {
            return;
        }
        if (cs.acked().size() != lastAckCount) {
            lastAckCount = cs.acked().size();
            lastProgressMs = nowMs;
        }
        int needed = attempt.threshold() + extraAcks(attempt.members().size(), attempt.threshold());
        Attempt a = attempt;
        attempt = new Attempt(a.epoch(), a.lastCommitted(), a.members(), a.threshold(), a.coordinator(), cs.config(),
                false, cs.acked(), a.confirmed());
        if (cs.acked().size() >= needed) {
            decideCommit(nowMs);
        }
    }

    /** True if the coordinator's configuration is the one this attempt proposed and signed. */
    private boolean implementsAttempt(Configuration c) {
        return c.epoch().equals(attempt.epoch()) && c.coordinator().equals(attempt.coordinator())
                && c.memberIds().equals(attempt.members()) && c.threshold().value() == attempt.threshold()
                && c.rackId().equals(rackId) && key.authority().checkProposal(c).isEmpty();
    }

    private void decideCommit(long nowMs) {
        Attempt a = attempt;
        attempt = new Attempt(a.epoch(), a.lastCommitted(), a.members(), a.threshold(), a.coordinator(), a.config(),
                true, a.acked(), a.confirmed());
        latestCommitted = a.config();
        log.add("commit epoch " + a.epoch() + " with " + a.acked().size() + " acks");
        nextPassMs = nowMs;
    }

    private void onCommitReply(NodeId from, Epoch epoch, CpReply reply, long nowMs) {
        if (!epoch.equals(attempt.epoch())) {
            return;
        }
        switch (reply) {
            case CpReply.Committed c -> {
                if (c.status() == CommitStatus.COMMITTED) {
                    confirm(from, nowMs);
                }
            }
            case CpReply.Refused r -> {
                if (r.error() instanceof NodeError.NotPrepared) {
                    // It acked but no longer has the prepare: fall back to prepare-and-commit.
                    Attempt a = attempt;
                    List<NodeId> acked = new ArrayList<>(a.acked());
                    acked.remove(from);
                    attempt = new Attempt(a.epoch(), a.lastCommitted(), a.members(), a.threshold(), a.coordinator(),
                            a.config(), true, acked, a.confirmed());
                } else {
                    log.add("commit at " + from + " refused: " + r.error());
                }
            }
            case CpReply.Reconfigured x -> { }
            case CpReply.StatusReport x -> { }
            case CpReply.Watched x -> { }
            case CpReply.Unreachable x -> { }
        }
    }

    private void confirm(NodeId node, long nowMs) {
        Attempt a = attempt;
        if (a.confirmed().contains(node)) {
            return;
        }
        List<NodeId> confirmed = new ArrayList<>(a.confirmed());
        confirmed.add(node);
        confirmed.sort(null);
        committedNodes.add(node);
        attempt = new Attempt(a.epoch(), a.lastCommitted(), a.members(), a.threshold(), a.coordinator(), a.config(),
                true, a.acked(), confirmed);
        if (confirmed.size() == a.members().size()) {
            // Members removed by this commit are no longer part of the rack, for good.
            for (NodeId n : committedNodes) {
                if (!a.config().isMember(n)) {
                    removed.add(n);
                }
            }
            committedNodes.removeIf(n -> !a.config().isMember(n));
            log.add("epoch " + a.epoch() + " committed at every member");
            attempt = null;
            inFlight.clear();
            deadlines.clear();
        }
    }

    /** The members that reported COMMITTED for the current attempt (or all, when idle). */
    public List<NodeId> confirmed() {
        return attempt == null ? (latestCommitted == null ? List.of() : latestCommitted.memberIds())
                : attempt.confirmed();
    }

    /** Marks the call as answered without a result (used by drivers on shutdown). */
    public void forgetInFlight() {
        inFlight.clear();
        deadlines.clear();
        nextWatchMs = 0;
    }

    /** Nodes removed by completed reconfigurations (expunged; refused as members from then on). */
    public List<NodeId> removed() {
        return List.copyOf(removed);
    }

    /** For tests and the simulator: the nodes the control plane considers part of the rack. */
    public List<NodeId> committedNodes() {
        return List.copyOf(committedNodes);
    }
}
