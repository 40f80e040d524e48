package org.trustquorum.core.protocol;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import org.trustquorum.core.Check;
import org.trustquorum.core.Mutation;
import org.trustquorum.core.api.CommitStatus;
import org.trustquorum.core.api.NodeError.CommitError;
import org.trustquorum.core.api.NodeError.LoadSecretError;
import org.trustquorum.core.api.NodeError.PrepareAndCommitError;
import org.trustquorum.core.api.NodeError.ReconfigureError;
import org.trustquorum.core.api.NodeStatus;
import org.trustquorum.core.api.NodeStatus.CoordinatorStatus;
import org.trustquorum.core.api.ReconfigureRequest;
import org.trustquorum.core.auth.ConfigAuthority;
import org.trustquorum.core.crypto.RackSecret;
import org.trustquorum.core.model.Alarm;
import org.trustquorum.core.model.Configuration;
import org.trustquorum.core.model.CpSignature;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.ExpungedMarker;
import org.trustquorum.core.model.KeyShare;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.PersistentState;
import org.trustquorum.core.model.RackId;
import org.trustquorum.core.model.Result;
import org.trustquorum.core.msg.PeerMsg;

/**
 * The trust quorum protocol of one node, as a pure state machine. Every method takes the
 * {@link NodeCtx}, through which alone the node sends, persists and raises alarms. The protocol
 * has no timers: whatever it waits for it asks again of a peer when that peer connects.
 *
 * <p>This class dispatches; the sub-machines live beside it: {@link Coordination} (a
 * reconfiguration this node coordinates), {@link ShareComputation} (its own share of a committed
 * epoch it never prepared), {@link SecretLoading} (rack secrets in memory) and {@link CommitPath}
 * (learning of commits, which ends the others' work).
 */
public final class Node {
    private final Mutation mutation;
    /** The control plane's public key: configurations it did not sign are refused. */
    private final ConfigAuthority authority;
    private final Coordination coordination;
    private final ShareComputation computing;
    private final SecretLoading loading;
    private final CommitPath commits;
    /** Sees every share this node computes, before it is kept and wiped (tests check the wipe). */
    Consumer<KeyShare> computedShareWatcher = share -> { };

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
        RandomGenerator checkedRng = Check.notNull(rng, "random generator");
        this.authority = Check.notNull(authority, "control-plane authority");
        this.mutation = Check.notNull(mutation, "mutation");
        this.coordination = new Coordination(checkedRng, this.authority, this.mutation);
        // Reads the field at each share: tests replace the watcher after construction.
        this.computing = new ShareComputation(this.mutation, share -> computedShareWatcher.accept(share));
        this.loading = new SecretLoading();
        this.commits = new CommitPath(this.authority, this.mutation, coordination, computing, loading);
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
        return coordination.start(ctx, req, computing);
    }

    /** Records a commit decided by the control plane, whose signature of the decision comes with it. */
    public Result<CommitStatus, CommitError> commit(NodeCtx ctx, RackId rackId, Epoch epoch, CpSignature proof) {
        return commits.commit(ctx, rackId, epoch, proof);
    }

    /** Commits a configuration at a member that never received its prepare. */
    public Result<CommitStatus, PrepareAndCommitError> prepareAndCommit(NodeCtx ctx, Configuration config,
            CpSignature proof) {
        return commits.prepareAndCommit(ctx, config, proof);
    }

    /**
     * Returns the rack secret of a committed epoch if it is loaded, or empty while this node
     * collects shares of the latest committed epoch. The returned secret is a copy the caller closes.
     */
    public Result<Optional<RackSecret>, LoadSecretError> loadRackSecret(NodeCtx ctx, Epoch epoch) {
        return loading.load(ctx, epoch);
    }

    /** Forgets every rack secret and share gathered for loading. */
    public void clearSecrets() {
        loading.clear();
    }

    /** What this node coordinates, or null. */
    public CoordinatorStatus coordinatorStatus() {
        return coordination.status();
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
        return computing.epoch();
    }

    /** The epochs whose rack secret is currently loaded in memory. */
    public List<Epoch> loadedEpochs() {
        return loading.loadedEpochs();
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
        coordination.onConnect(ctx, peer);
        computing.onConnect(ctx, peer);
        loading.onConnect(ctx, peer);
    }

    public void onDisconnect(NodeCtx ctx, NodeId peer) {
        ctx.removeConnected(peer);
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
            case PeerMsg.PrepareAck a -> coordination.onPrepareAck(from, a);
            case PeerMsg.GetShare g -> onGetShare(ctx, from, g);
            case PeerMsg.Share s -> onShare(ctx, from, s);
            case PeerMsg.CommitAdvance c -> commits.onCommitAdvance(ctx, from, c);
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
            boolean knownCommitted = computing.isFor(e);
            ctx.updateState(s -> s.withConfig(config).withShare(e, p.share()));
            if (knownCommitted) {
                computing.stop();
                commits.record(ctx, e);
            }
        }
        coordination.stopIfBefore(e);
        ctx.send(from, new PeerMsg.PrepareAck(config.rackId(), e));
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
        coordination.onShare(ctx, from, s);
        computing.onShare(ctx, from, s).ifPresent(e -> commits.record(ctx, e));
        loading.onShare(ctx, from, s);
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
        coordination.stop();
        computing.stop();
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
}
