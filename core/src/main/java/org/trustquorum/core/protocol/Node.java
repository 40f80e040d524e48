package org.trustquorum.core.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.random.RandomGenerator;
import org.trustquorum.core.Check;
import org.trustquorum.core.Mutation;
import org.trustquorum.core.api.CommitStatus;
import org.trustquorum.core.api.NodeError;
import org.trustquorum.core.api.NodeError.CommitError;
import org.trustquorum.core.api.NodeError.LoadSecretError;
import org.trustquorum.core.api.NodeError.PrepareAndCommitError;
import org.trustquorum.core.api.NodeError.ReconfigureError;
import org.trustquorum.core.api.NodeStatus;
import org.trustquorum.core.api.NodeStatus.CoordinatorStatus;
import org.trustquorum.core.api.NodeStatus.Phase;
import org.trustquorum.core.api.ReconfigureRequest;
import org.trustquorum.core.auth.ConfigAuthority;
import org.trustquorum.core.crypto.CryptoException;
import org.trustquorum.core.crypto.Digests;
import org.trustquorum.core.crypto.RackSecret;
import org.trustquorum.core.crypto.SecretChain;
import org.trustquorum.core.crypto.Shamir;
import org.trustquorum.core.model.Alarm;
import org.trustquorum.core.model.CommitProof;
import org.trustquorum.core.model.Configuration;
import org.trustquorum.core.model.CpSignature;
import org.trustquorum.core.model.EncryptedRackSecrets;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.ExpungedMarker;
import org.trustquorum.core.model.KeyShare;
import org.trustquorum.core.model.Member;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.PersistentState;
import org.trustquorum.core.model.RackId;
import org.trustquorum.core.model.Result;
import org.trustquorum.core.msg.PeerMsg;

/**
 * The trust quorum protocol of one node, as a pure state machine. Every method takes the
 * {@link NodeCtx}, through which alone the node sends, persists and raises alarms. The protocol
 * has no timers: whatever it waits for it asks again of a peer when that peer connects.
 */
public final class Node {
    private final RandomGenerator rng;
    private final Mutation mutation;
    /** The control plane's public key: configurations it did not sign are refused. */
    private final ConfigAuthority authority;
    /** What this node coordinates, or null. */
    private Coordinator coordinator;
    /** The computation of this node's own share for a committed epoch it never prepared, or null. */
    private ShareCollector computer;
    /** Sees every share this node computes, before it is kept and wiped (tests check the wipe). */
    java.util.function.Consumer<KeyShare> computedShareWatcher = share -> { };
    /** Shares gathered to rebuild the rack secret of the latest committed epoch, or null. */
    private ShareCollector loader;
    /** Rack secrets this node has rebuilt or decrypted, by epoch. */
    private final SortedMap<Epoch, RackSecret> loaded = new TreeMap<>();

    /** The coordinator's progress. Phase is COLLECTING_SHARES until the new config exists. */
    private static final class Coordinator {
        final ReconfigureRequest request;
        /** Shares of the last committed epoch (share collection phase only). */
        final ShareCollector oldShares;
        Configuration config;
        /** Each other member's share of the new secret, held until it acks. */
        final Map<NodeId, KeyShare> prepares = new TreeMap<>();
        final TreeSet<NodeId> acked = new TreeSet<>();

        Coordinator(ReconfigureRequest request, ShareCollector oldShares) {
            this.request = request;
            this.oldShares = oldShares;
        }

        Epoch epoch() {
            return request.epoch();
        }

        Phase phase() {
            return config == null ? Phase.COLLECTING_SHARES : Phase.COLLECTING_ACKS;
        }

        void wipe() {
            if (oldShares != null) {
                oldShares.wipe();
            }
            prepares.values().forEach(KeyShare::wipe);
            prepares.clear();
        }
    }

    /**
     * Creates the protocol for a node whose persistent state was just loaded.
     *
     * @param rng source of secrets, polynomial coefficients and salts (a SecureRandom in production)
     * @param authority the control plane's public key, learned when the node was initialised
     */
    public Node(NodeCtx ctx, RandomGenerator rng, ConfigAuthority authority) {
        this(ctx, rng, authority, Mutation.NONE);
    }

    /** With a deliberate protocol bug switched on (simulator only). */
    public Node(NodeCtx ctx, RandomGenerator rng, ConfigAuthority authority, Mutation mutation) {
        this.rng = Check.notNull(rng, "random generator");
        this.authority = Check.notNull(authority, "control-plane authority");
        this.mutation = Check.notNull(mutation, "mutation");
        PersistentState state = ctx.state();
        for (Epoch e : state.commits()) {
            if (!state.hasPrepared(e)) {
                ctx.raiseAlarm(new Alarm.CommittedConfigurationLost(e));
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // Node API
    // ------------------------------------------------------------------------------------------

    /** Starts (or idempotently accepts again) a reconfiguration coordinated by this node. */
    public Result<ReconfigureOutcome, ReconfigureError> coordinateReconfiguration(NodeCtx ctx, ReconfigureRequest req) {
        NodeId me = ctx.me();
        int n = req.members().size();
        int k = req.threshold().value();
        if (!req.members().contains(me)) {
            return Result.err(new NodeError.CoordinatorMustBeAMemberOfNewGroup(me));
        }
        if (k >= n) {
            return Result.err(new NodeError.ThresholdMismatch(n, k));
        }
        if (n < Configuration.MIN_MEMBERS || n > Configuration.MAX_MEMBERS) {
            return Result.err(new NodeError.InvalidMembershipSize(n));
        }
        if (!req.threshold().isValid()) {
            return Result.err(new NodeError.InvalidThreshold(k));
        }
        Optional<String> unsigned = authority.checkRequest(req.rackId(), req.epoch(), me, req.members(),
                req.threshold(), req.authorization());
        if (unsigned.isPresent() && mutation != Mutation.COORDINATE_UNSIGNED_REQUEST) {
            return Result.err(new NodeError.Unauthorized(unsigned.get()));
        }
        PersistentState state = ctx.state();
        Optional<RackId> rack = state.rackId();
        if (rack.isPresent() && !rack.get().equals(req.rackId())) {
            return Result.err(new NodeError.InvalidRackId(rack.get(), req.rackId()));
        }
        if (state.isExpunged()) {
            return Result.err(new NodeError.Expunged(state.expunged().epoch(), state.expunged().from()));
        }
        if (isDuplicate(state, me, req)) {
            return Result.ok(ReconfigureOutcome.ALREADY_STARTED);
        }
        if (!req.lastCommittedEpoch().equals(state.latestCommittedEpoch())) {
            return Result.err(new NodeError.LastCommittedEpochMismatch(req.lastCommittedEpoch(), state.latestCommittedEpoch()));
        }
        if (!req.epoch().isAfter(state.latestConfigEpoch())) {
            return Result.err(new NodeError.PreparedEpochMismatch(state.latestConfigEpoch(), req.epoch()));
        }
        if (coordinator != null) {
            int c = coordinator.epoch().compareTo(req.epoch());
            if (c > 0) {
                return Result.err(new NodeError.ReconfigurationInProgress(coordinator.epoch(), req.epoch()));
            }
            if (c == 0) {
                return Result.err(new NodeError.MismatchedReconfiguration(req.epoch()));
            }
        }
        if (computer != null) {
            // This node is still computing its share of a newer committed epoch than it has
            // recorded; a reconfiguration based on its last commit would be stale.
            return Result.err(new NodeError.ReconfigurationInProgress(computer.config().epoch(), req.epoch()));
        }
        stopCoordinating();
        if (req.lastCommittedEpoch().isNone()) {
            coordinator = new Coordinator(req, null);
            try (RackSecret secret = RackSecret.generate(rng)) {
                startPreparePhase(ctx, secret, null);
            }
        } else {
            Configuration last = state.latestCommittedConfig().orElseThrow(
                    () -> new Check.InvariantViolation("committed epoch without configuration"));
            ShareCollector old = new ShareCollector(last);
            coordinator = new Coordinator(req, old);
            KeyShare mine = state.share(last.epoch()).orElseThrow(
                    () -> new Check.InvariantViolation("committed epoch without own share"));
            if (last.isMember(me)) {
                old.offer(me, mine);
            }
            for (NodeId peer : ctx.connected()) {
                if (last.isMember(peer)) {
                    ctx.send(peer, new PeerMsg.GetShare(req.rackId(), last.epoch()));
                }
            }
        }
        return Result.ok(ReconfigureOutcome.STARTED);
    }

    private boolean isDuplicate(PersistentState state, NodeId me, ReconfigureRequest req) {
        if (coordinator != null && coordinator.request.equals(req)) {
            return true;
        }
        // Past coordination: only a committed (or superseded) epoch is truthfully "already started".
        // A stored but uncommitted one whose coordinator was lost in a restart is not being
        // coordinated by anyone; the request then meets PreparedEpochMismatch below.
        boolean settled = !state.latestCommittedEpoch().isNone()
                && state.latestCommittedEpoch().compareTo(req.epoch()) >= 0;
        return settled && state.config(req.epoch())
                .filter(c -> c.coordinator().equals(me) && c.rackId().equals(req.rackId())
                        && c.threshold().equals(req.threshold()) && c.memberIds().equals(req.members()))
                .isPresent();
    }

    /** Records a commit decided by the control plane, whose signature of the decision comes with it. */
    public Result<CommitStatus, CommitError> commit(NodeCtx ctx, RackId rackId, Epoch epoch, CpSignature proof) {
        PersistentState state = ctx.state();
        if (state.isExpunged()) {
            return Result.err(new NodeError.Expunged(state.expunged().epoch(), state.expunged().from()));
        }
        Optional<RackId> rack = state.rackId();
        if (rack.isPresent() && !rack.get().equals(rackId)) {
            return Result.err(new NodeError.InvalidRackId(rack.get(), rackId));
        }
        if (!state.latestCommittedEpoch().isNone() && state.latestCommittedEpoch().compareTo(epoch) >= 0) {
            return Result.ok(CommitStatus.COMMITTED);
        }
        if (!state.hasPrepared(epoch)) {
            if (mutation == Mutation.COMMIT_WITHOUT_PREPARE) {
                List<Epoch> commits = new ArrayList<>(state.commits());
                commits.add(epoch);
                commits.sort(null);
                ctx.updateState(s -> new PersistentState(s.configs(), s.shares(), commits, s.expunged(),
                        s.commitProofs(), s.controlPlaneKey(), s.networkConfig()));
                return Result.ok(CommitStatus.COMMITTED);
            }
            return Result.err(new NodeError.NotPrepared(epoch));
        }
        Configuration config = state.config(epoch).orElseThrow();
        Optional<String> unsigned = commitCheck(config, proof, Mutation.COMMIT_CALL_UNSIGNED);
        if (unsigned.isPresent()) {
            return Result.err(new NodeError.Unauthorized(unsigned.get()));
        }
        ctx.updateState(s -> s.withCommitProof(new CommitProof(epoch, proofOrPlaceholder(proof))));
        recordCommit(ctx, epoch);
        return Result.ok(CommitStatus.COMMITTED);
    }

    /** Commits a configuration at a member that never received its prepare. */
    public Result<CommitStatus, PrepareAndCommitError> prepareAndCommit(NodeCtx ctx, Configuration config,
            CpSignature proof) {
        PersistentState state = ctx.state();
        if (state.isExpunged()) {
            return Result.err(new NodeError.Expunged(state.expunged().epoch(), state.expunged().from()));
        }
        Optional<RackId> rack = state.rackId();
        if (rack.isPresent() && !rack.get().equals(config.rackId())) {
            return Result.err(new NodeError.InvalidRackId(rack.get(), config.rackId()));
        }
        if (!config.isMember(ctx.me())) {
            return Result.err(new NodeError.NotAMember(config.epoch()));
        }
        Optional<String> unsigned = commitCheck(config, proof, Mutation.COMMIT_CALL_UNSIGNED);
        if (unsigned.isPresent()) {
            return Result.err(new NodeError.Unauthorized(unsigned.get()));
        }
        return switch (advanceTo(ctx, ctx.me(), config, proof)) {
            case COMMITTED -> Result.ok(CommitStatus.COMMITTED);
            case PENDING -> Result.ok(CommitStatus.PENDING);
            case MISMATCH -> Result.err(new NodeError.ConfigurationMismatch(config.epoch()));
        };
    }

    /**
     * Returns the rack secret of a committed epoch if it is loaded, or empty while this node
     * collects shares of the latest committed epoch. The returned secret is a copy the caller closes.
     */
    public Result<Optional<RackSecret>, LoadSecretError> loadRackSecret(NodeCtx ctx, Epoch epoch) {
        PersistentState state = ctx.state();
        if (state.isExpunged()) {
            return Result.err(new NodeError.Expunged(state.expunged().epoch(), state.expunged().from()));
        }
        Epoch latest = state.latestCommittedEpoch();
        if (latest.isNone()) {
            return Result.err(new NodeError.NoCommittedConfigurations());
        }
        if (epoch.isAfter(latest)) {
            return Result.err(new NodeError.NotCommitted(epoch));
        }
        RackSecret have = loaded.get(epoch);
        if (have != null) {
            return Result.ok(Optional.of(copyOf(have)));
        }
        Configuration latestConfig = state.config(latest).orElseThrow();
        if (epoch.isBefore(latest) && latestConfig.encrypted().isEmpty()) {
            return Result.err(new NodeError.NotAvailable(epoch));
        }
        for (Alarm a : ctx.alarms()) {
            if (a instanceof Alarm.RackSecretReconstructionFailed r && r.epoch().equals(latest)
                    || a instanceof Alarm.RackSecretDecryptionFailed d && d.epoch().equals(latest)) {
                return Result.err(new NodeError.Alarmed(a));
            }
        }
        RackSecret latestSecret = loaded.get(latest);
        if (latestSecret == null) {
            collectForLoad(ctx, latestConfig);
            return Result.ok(Optional.empty());
        }
        // The latest secret is loaded; an older one comes from the chain in the latest config.
        Optional<Alarm> failed = decryptChain(ctx, latestConfig, latestSecret);
        if (failed.isPresent()) {
            return Result.err(new NodeError.Alarmed(failed.get()));
        }
        have = loaded.get(epoch);
        return have == null ? Result.err(new NodeError.NotAvailable(epoch)) : Result.ok(Optional.of(copyOf(have)));
    }

    /** Forgets every rack secret and share gathered for loading. */
    public void clearSecrets() {
        loaded.values().forEach(RackSecret::close);
        loaded.clear();
        if (loader != null) {
            loader.wipe();
            loader = null;
        }
    }

    /** What this node coordinates, or null. */
    public CoordinatorStatus coordinatorStatus() {
        if (coordinator == null) {
            return null;
        }
        return new CoordinatorStatus(coordinator.epoch(), coordinator.phase(), List.copyOf(coordinator.acked),
                coordinator.config);
    }

    /** The node's status (no secrets), with the proxied requests its engine has in flight. */
    public NodeStatus status(NodeCtx ctx, List<NodeStatus.ProxiedRequest> proxied) {
        PersistentState s = ctx.state();
        return new NodeStatus(ctx.me(), List.copyOf(ctx.connected()), ctx.alarms(), s.rackId().orElse(null),
                s.configs().stream().map(Configuration::epoch).toList(),
                s.shares().stream().map(org.trustquorum.core.model.EpochShare::epoch).toList(), s.commits(),
                s.expunged(), coordinatorStatus(), computingShareFor(), proxied);
    }

    /** The epoch whose share this node is computing, or {@link Epoch#NONE}. */
    public Epoch computingShareFor() {
        return computer == null ? Epoch.NONE : computer.config().epoch();
    }

    /** The epochs whose rack secret is currently loaded in memory. */
    public List<Epoch> loadedEpochs() {
        return List.copyOf(loaded.keySet());
    }

    // ------------------------------------------------------------------------------------------
    // Connection events
    // ------------------------------------------------------------------------------------------

    /** A peer connected: ask it again for whatever this node still waits on. */
    public void onConnect(NodeCtx ctx, NodeId peer) {
        ctx.addConnected(peer);
        if (ctx.state().isExpunged()) {
            return;
        }
        if (coordinator != null) {
            if (coordinator.phase() == Phase.COLLECTING_SHARES) {
                askForShare(ctx, peer, coordinator.oldShares);
            } else {
                KeyShare share = coordinator.prepares.get(peer);
                if (share != null && !coordinator.acked.contains(peer)) {
                    ctx.send(peer, new PeerMsg.Prepare(coordinator.config.rackId(), coordinator.config, share.copy()));
                }
            }
        }
        if (computer != null) {
            askForShare(ctx, peer, computer);
        }
        if (loader != null) {
            askForShare(ctx, peer, loader);
        }
    }

    public void onDisconnect(NodeCtx ctx, NodeId peer) {
        ctx.removeConnected(peer);
    }

    private static void askForShare(NodeCtx ctx, NodeId peer, ShareCollector collector) {
        Configuration c = collector.config();
        if (c.isMember(peer) && !collector.has(peer)) {
            ctx.send(peer, new PeerMsg.GetShare(c.rackId(), c.epoch()));
        }
    }

    // ------------------------------------------------------------------------------------------
    // Peer messages
    // ------------------------------------------------------------------------------------------

    /** Handles one message from a peer, then wipes the key share it carried (whatever was kept was copied). */
    public void handle(NodeCtx ctx, NodeId from, PeerMsg msg) {
        try {
            dispatch(ctx, from, msg);
        } finally {
            switch (msg) {
                case PeerMsg.Prepare p -> p.share().wipe();
                case PeerMsg.Share s -> s.share().wipe();
                case PeerMsg.PrepareAck a -> { }
                case PeerMsg.GetShare g -> { }
                case PeerMsg.CommitAdvance c -> { }
                case PeerMsg.Expunged e -> { }
            }
        }
    }

    private void dispatch(NodeCtx ctx, NodeId from, PeerMsg msg) {
        PersistentState state = ctx.state();
        if (state.isExpunged()) {
            return;
        }
        Optional<RackId> rack = state.rackId();
        if (rack.isPresent() && !rack.get().equals(msg.rackId())) {
            return;
        }
        switch (msg) {
            case PeerMsg.Prepare p -> onPrepare(ctx, from, p);
            case PeerMsg.PrepareAck a -> onPrepareAck(from, a);
            case PeerMsg.GetShare g -> onGetShare(ctx, from, g);
            case PeerMsg.Share s -> onShare(ctx, from, s);
            case PeerMsg.CommitAdvance c -> onCommitAdvance(ctx, from, c);
            case PeerMsg.Expunged e -> onExpunged(ctx, from, e);
        }
    }

    private void onPrepare(NodeCtx ctx, NodeId from, PeerMsg.Prepare p) {
        PersistentState state = ctx.state();
        Configuration config = p.config();
        Epoch e = config.epoch();
        NodeId me = ctx.me();
        if (!p.rackId().equals(config.rackId())
                || e.isBefore(state.latestCommittedEpoch()) && mutation != Mutation.SKIP_STALE_PREPARE_CHECK) {
            return;
        }
        if (!config.isMember(me) || !from.equals(config.coordinator())) {
            return;
        }
        Optional<String> unsigned = authority.checkProposal(config);
        if (unsigned.isPresent() && mutation != Mutation.ACCEPT_UNSIGNED_PREPARE) {
            ctx.refuse(from, "Prepare", unsigned.get());
            return;
        }
        if (!ShareCollector.isValid(config, me, p.share())) {
            return;
        }
        Optional<Configuration> existing = state.config(e);
        if (existing.isPresent() && !existing.get().equals(config)) {
            ctx.raiseAlarm(new Alarm.MismatchedConfigurations(e, from));
            return;
        }
        if (!state.hasPrepared(e) && mutation != Mutation.ACK_PREPARE_WITHOUT_PERSIST) {
            boolean knownCommitted = computer != null && computer.config().epoch().equals(e);
            ctx.updateState(s -> s.withConfig(config).withShare(e, p.share()));
            if (knownCommitted) {
                stopComputing();
                recordCommit(ctx, e);
            }
        }
        if (coordinator != null && coordinator.epoch().isBefore(e)) {
            stopCoordinating();
        }
        ctx.send(from, new PeerMsg.PrepareAck(config.rackId(), e));
    }

    private void onPrepareAck(NodeId from, PeerMsg.PrepareAck a) {
        if (coordinator != null && coordinator.phase() == Phase.COLLECTING_ACKS && coordinator.epoch().equals(a.epoch())
                && coordinator.config.isMember(from)) {
            coordinator.acked.add(from);
            KeyShare held = coordinator.prepares.remove(from);
            if (held != null) {
                held.wipe();
            }
        }
    }

    private void onGetShare(NodeCtx ctx, NodeId from, PeerMsg.GetShare g) {
        PersistentState state = ctx.state();
        Epoch latest = state.latestCommittedEpoch();
        if (latest.isAfter(g.epoch())) {
            Configuration committed = state.config(latest).orElseThrow();
            // Without the control plane's proof of the commit the asker would refuse the answer.
            state.commitProof(latest).ifPresent(proof -> ctx.send(from, committed.isMember(from)
                    ? new PeerMsg.CommitAdvance(committed.rackId(), committed, proof.signature())
                    : new PeerMsg.Expunged(committed.rackId(), latest, committed, proof.signature())));
            return;
        }
        Optional<Configuration> config = state.config(g.epoch());
        if (config.isEmpty()) {
            return;
        }
        if (!config.get().isMember(from)) {
            Configuration c = config.get();
            if (state.isCommitted(g.epoch())) {
                state.commitProof(g.epoch()).ifPresent(
                        proof -> ctx.send(from, new PeerMsg.Expunged(c.rackId(), g.epoch(), c, proof.signature())));
            }
            return;
        }
        state.share(g.epoch()).ifPresent(share -> ctx.send(from, new PeerMsg.Share(g.rackId(), g.epoch(), share.copy())));
    }

    private void onShare(NodeCtx ctx, NodeId from, PeerMsg.Share s) {
        Epoch e = s.epoch();
        if (coordinator != null && coordinator.phase() == Phase.COLLECTING_SHARES
                && coordinator.oldShares.config().epoch().equals(e) && coordinator.oldShares.offer(from, s.share())
                && coordinator.oldShares.complete()) {
            finishShareCollection(ctx);
        }
        if (computer != null && computer.config().epoch().equals(e) && computer.offer(from, s.share())
                && computer.complete()) {
            finishComputingShare(ctx);
        }
        if (loader != null && loader.config().epoch().equals(e) && loader.offer(from, s.share()) && loader.complete()) {
            finishLoading(ctx);
        }
    }

    private void onCommitAdvance(NodeCtx ctx, NodeId from, PeerMsg.CommitAdvance c) {
        Configuration config = c.config();
        if (!c.rackId().equals(config.rackId()) || !config.isMember(ctx.me())) {
            return;
        }
        Epoch latest = ctx.state().latestCommittedEpoch();
        if (!latest.isNone() && latest.compareTo(config.epoch()) >= 0) {
            return;
        }
        Optional<String> unsigned = commitCheck(config, c.commitSignature(), Mutation.COMMIT_ADVANCE_UNSIGNED);
        if (unsigned.isPresent()) {
            ctx.refuse(from, "CommitAdvance", unsigned.get());
            return;
        }
        advanceTo(ctx, from, config, c.commitSignature());
    }

    /** The control plane's commit check, unless the given mutation switches it off. */
    private Optional<String> commitCheck(Configuration config, CpSignature proof, Mutation skippedBy) {
        Optional<String> unsigned = authority.checkCommit(config, proof);
        return mutation == skippedBy ? Optional.empty() : unsigned;
    }

    /** A proof to record: the real one, or (only under a mutation that skipped its check) zeros. */
    private static CpSignature proofOrPlaceholder(CpSignature proof) {
        return proof != null ? proof : new CpSignature(new byte[CpSignature.LENGTH_BYTES]);
    }

    private enum Advance { COMMITTED, PENDING, MISMATCH }

    /**
     * The shared path of CommitAdvance and prepare-and-commit: learn that config is committed. The
     * caller has checked the control plane's signature of the commit.
     */
    private Advance advanceTo(NodeCtx ctx, NodeId from, Configuration config, CpSignature proof) {
        PersistentState state = ctx.state();
        Epoch e = config.epoch();
        if (!state.latestCommittedEpoch().isNone() && state.latestCommittedEpoch().compareTo(e) >= 0) {
            return Advance.COMMITTED;
        }
        Optional<Configuration> stored = state.config(e);
        if (stored.isPresent() && !stored.get().equals(config)) {
            ctx.raiseAlarm(new Alarm.MismatchedConfigurations(e, from));
            return Advance.MISMATCH;
        }
        CommitProof commitProof = new CommitProof(e, proofOrPlaceholder(proof));
        if (state.hasPrepared(e)) {
            ctx.updateState(s -> s.withCommitProof(commitProof));
            recordCommit(ctx, e);
            return Advance.COMMITTED;
        }
        if (computer != null && computer.config().epoch().compareTo(e) >= 0) {
            return Advance.PENDING;
        }
        // Start computing this node's share of e from K shares of the other members.
        ctx.updateState(s -> s.withConfig(config).withCommitProof(commitProof));
        stopComputing();
        if (coordinator != null && (coordinator.epoch().compareTo(e) <= 0
                || coordinator.request.lastCommittedEpoch().isBefore(e))) {
            stopCoordinating();
        }
        computer = new ShareCollector(config);
        for (NodeId peer : ctx.connected()) {
            askForShare(ctx, peer, computer);
        }
        return Advance.PENDING;
    }

    private void onExpunged(NodeCtx ctx, NodeId from, PeerMsg.Expunged x) {
        PersistentState state = ctx.state();
        if (x.epoch().compareTo(state.latestConfigEpoch()) < 0) {
            return;
        }
        // Expunged is permanent, so no peer's word is enough: the message must carry the
        // configuration committed at that epoch, signed by the control plane, without this node.
        Optional<String> noProof = expungeProofProblem(ctx, x);
        if (noProof.isPresent() && mutation != Mutation.ACCEPT_EXPUNGED_WITHOUT_PROOF) {
            ctx.refuse(from, "Expunged", noProof.get());
            return;
        }
        ctx.updateState(s -> s.withExpunged(new ExpungedMarker(x.epoch(), from)));
        stopCoordinating();
        stopComputing();
        clearSecrets();
    }

    // ------------------------------------------------------------------------------------------
    // Internals
    // ------------------------------------------------------------------------------------------

    /**
     * Why an Expunged does not prove that this node was removed, or empty if it does. Removal
     * needs a configuration of this node's own to be removed from (its latest commit, which
     * names it) and a later one, committed by the control plane, that does not: a spare that is
     * simply not a member yet is never "expunged".
     */
    private Optional<String> expungeProofProblem(NodeCtx ctx, PeerMsg.Expunged x) {
        NodeId me = ctx.me();
        PersistentState state = ctx.state();
        boolean memberOfOwnCommit = state.latestCommittedConfig().map(c -> c.isMember(me)).orElse(false);
        if (!memberOfOwnCommit) {
            return Optional.of("expunged at " + x.epoch() + " but this node has no commit of its own to be removed from");
        }
        Configuration proof = x.proof();
        if (proof == null) {
            return Optional.of("expunged at " + x.epoch() + " without proof");
        }
        if (!proof.epoch().equals(x.epoch()) || !proof.rackId().equals(x.rackId())) {
            return Optional.of("expunge proof is for epoch " + proof.epoch() + ", not " + x.epoch());
        }
        if (proof.isMember(me)) {
            return Optional.of("expunge proof of epoch " + x.epoch() + " includes this node");
        }
        return authority.checkCommit(proof, x.proofSignature());
    }

    private void recordCommit(NodeCtx ctx, Epoch e) {
        ctx.updateState(s -> s.withCommit(e));
        if (coordinator != null && (coordinator.epoch().compareTo(e) <= 0
                || coordinator.request.lastCommittedEpoch().isBefore(e))) {
            stopCoordinating();
        }
        if (computer != null && computer.config().epoch().compareTo(e) <= 0) {
            stopComputing();
        }
        if (loader != null && loader.config().epoch().isBefore(e)) {
            loader.wipe();
            loader = null;
        }
    }

    private void stopCoordinating() {
        if (coordinator != null) {
            coordinator.wipe();
            coordinator = null;
        }
    }

    private void stopComputing() {
        if (computer != null) {
            computer.wipe();
            computer = null;
        }
    }

    /** The coordinator has K shares of the last committed epoch: build and prepare the new config. */
    private void finishShareCollection(NodeCtx ctx) {
        Configuration last = coordinator.oldShares.config();
        RackSecret oldSecret;
        try {
            oldSecret = RackSecret.reconstruct(coordinator.oldShares.thresholdShares());
        } catch (CryptoException ex) {
            ctx.raiseAlarm(new Alarm.RackSecretReconstructionFailed(last.epoch(), ex.getMessage()));
            stopCoordinating();
            return;
        }
        coordinator.oldShares.wipe();
        SortedMap<Epoch, RackSecret> chain = new TreeMap<>();
        try (oldSecret) {
            if (last.encryptedSecrets() != null) {
                try {
                    chain.putAll(SecretChain.decrypt(oldSecret, last.rackId(), last.epoch(), last.encryptedSecrets()));
                } catch (CryptoException ex) {
                    ctx.raiseAlarm(new Alarm.RackSecretDecryptionFailed(last.epoch(), ex.getMessage()));
                    stopCoordinating();
                    return;
                }
            }
            chain.put(last.epoch(), copyOf(oldSecret));
            try (RackSecret fresh = RackSecret.generate(rng)) {
                EncryptedRackSecrets enc;
                try {
                    enc = SecretChain.encrypt(fresh, last.rackId(), coordinator.epoch(), chain, rng);
                } catch (CryptoException ex) {
                    throw new Check.InvariantViolation("encrypting the secret chain failed: " + ex.getMessage());
                }
                startPreparePhase(ctx, fresh, enc);
            }
        } finally {
            chain.values().forEach(RackSecret::close);
        }
    }

    /** Splits the new secret, persists own config and share, and sends Prepare to the others. */
    private void startPreparePhase(NodeCtx ctx, RackSecret secret, EncryptedRackSecrets encrypted) {
        ReconfigureRequest req = coordinator.request;
        List<NodeId> members = req.members();
        List<KeyShare> shares = secret.split(req.threshold().value(), members.size(), rng);
        List<Member> withDigests = new ArrayList<>(members.size());
        for (int i = 0; i < members.size(); i++) {
            withDigests.add(new Member(members.get(i), Digests.shareDigest(shares.get(i))));
        }
        Configuration config = new Configuration(req.rackId(), req.epoch(), ctx.me(), withDigests, req.threshold(),
                encrypted, req.authorization());
        NodeId me = ctx.me();
        KeyShare mine = shares.get(config.xOf(me) - 1);
        ctx.updateState(s -> s.withConfig(config).withShare(config.epoch(), mine));
        coordinator.config = config;
        coordinator.acked.add(me);
        for (int i = 0; i < members.size(); i++) {
            NodeId member = members.get(i);
            if (member.equals(me)) {
                shares.get(i).wipe();
                continue;
            }
            coordinator.prepares.put(member, shares.get(i));
            if (ctx.connected().contains(member)) {
                ctx.send(member, new PeerMsg.Prepare(config.rackId(), config, shares.get(i).copy()));
            }
        }
    }

    private void finishComputingShare(NodeCtx ctx) {
        Configuration config = computer.config();
        Epoch e = config.epoch();
        NodeId me = ctx.me();
        KeyShare mine;
        try {
            int x = mutation == Mutation.COMPUTE_SHARE_AT_WRONG_X ? config.xOf(me) % config.size() + 1 : config.xOf(me);
            mine = Shamir.computeShare(computer.thresholdShares(), x);
        } catch (CryptoException ex) {
            ctx.raiseAlarm(new Alarm.KeyShareComputationFailed(e, ex.getMessage()));
            stopComputing();
            return;
        }
        computedShareWatcher.accept(mine);
        try {
            // The reference implementation trusts the interpolation; we check it against the digest.
            if (mutation != Mutation.COMPUTE_SHARE_AT_WRONG_X && !ShareCollector.isValid(config, me, mine)) {
                ctx.raiseAlarm(new Alarm.KeyShareComputationFailed(e, "computed share does not match its digest"));
                stopComputing();
                return;
            }
            stopComputing();
            ctx.updateState(s -> s.withShare(e, mine)); // the state keeps its own copy
        } finally {
            mine.wipe(); // the original, on every path
        }
        recordCommit(ctx, e);
    }

    private void collectForLoad(NodeCtx ctx, Configuration latest) {
        if (loader != null && loader.config().epoch().equals(latest.epoch())) {
            return;
        }
        if (loader != null) {
            loader.wipe();
        }
        loader = new ShareCollector(latest);
        ctx.state().share(latest.epoch()).ifPresent(own -> loader.offer(ctx.me(), own));
        for (NodeId peer : ctx.connected()) {
            askForShare(ctx, peer, loader);
        }
        if (loader.complete()) {
            finishLoading(ctx);
        }
    }

    private void finishLoading(NodeCtx ctx) {
        Configuration config = loader.config();
        try {
            RackSecret secret = RackSecret.reconstruct(loader.thresholdShares());
            RackSecret previous = loaded.put(config.epoch(), secret);
            if (previous != null) {
                previous.close();
            }
        } catch (CryptoException ex) {
            ctx.raiseAlarm(new Alarm.RackSecretReconstructionFailed(config.epoch(), ex.getMessage()));
        } finally {
            loader.wipe();
            loader = null;
        }
    }

    /** Decrypts the earlier secrets carried by the latest config; returns the alarm on failure. */
    private Optional<Alarm> decryptChain(NodeCtx ctx, Configuration latest, RackSecret latestSecret) {
        try {
            SortedMap<Epoch, RackSecret> earlier = SecretChain.decrypt(latestSecret, latest.rackId(), latest.epoch(),
                    latest.encryptedSecrets());
            for (Map.Entry<Epoch, RackSecret> entry : earlier.entrySet()) {
                RackSecret previous = loaded.put(entry.getKey(), entry.getValue());
                if (previous != null) {
                    previous.close();
                }
            }
            return Optional.empty();
        } catch (CryptoException ex) {
            Alarm alarm = new Alarm.RackSecretDecryptionFailed(latest.epoch(), ex.getMessage());
            ctx.raiseAlarm(alarm);
            return Optional.of(alarm);
        }
    }

    private static RackSecret copyOf(RackSecret secret) {
        byte[] bytes = secret.copyBytes();
        try {
            return RackSecret.fromBytes(bytes);
        } finally {
            java.util.Arrays.fill(bytes, (byte) 0);
        }
    }
}
