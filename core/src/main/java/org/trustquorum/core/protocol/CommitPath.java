package org.trustquorum.core.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.trustquorum.core.Mutation;
import org.trustquorum.core.api.CommitStatus;
import org.trustquorum.core.api.NodeError;
import org.trustquorum.core.api.NodeError.CommitError;
import org.trustquorum.core.api.NodeError.PrepareAndCommitError;
import org.trustquorum.core.auth.ConfigAuthority;
import org.trustquorum.core.model.Alarm;
import org.trustquorum.core.model.CommitProof;
import org.trustquorum.core.model.Configuration;
import org.trustquorum.core.model.CpSignature;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.PersistentState;
import org.trustquorum.core.model.RackId;
import org.trustquorum.core.model.Result;
import org.trustquorum.core.msg.PeerMsg;

/**
 * How a node learns that a configuration is committed: the control plane's commit call, its
 * prepare-and-commit, or a peer's CommitAdvance. A commit ends whatever the other sub-machines
 * were doing for that epoch or an earlier one, so this class holds them.
 */
final class CommitPath {
    private final ConfigAuthority authority;
    private final Mutation mutation;
    private final Coordination coordination;
    private final ShareComputation computing;
    private final SecretLoading loading;

    private enum Advance { COMMITTED, PENDING, MISMATCH }

    CommitPath(ConfigAuthority authority, Mutation mutation, Coordination coordination, ShareComputation computing,
            SecretLoading loading) {
        this.authority = authority;
        this.mutation = mutation;
        this.coordination = coordination;
        this.computing = computing;
        this.loading = loading;
    }

    /** Node#commit. */
    Result<CommitStatus, CommitError> commit(NodeCtx ctx, RackId rackId, Epoch epoch, CpSignature proof) {
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
        record(ctx, epoch);
        return Result.ok(CommitStatus.COMMITTED);
    }

    /** Node#prepareAndCommit. */
    Result<CommitStatus, PrepareAndCommitError> prepareAndCommit(NodeCtx ctx, Configuration config,
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

    void onCommitAdvance(NodeCtx ctx, NodeId from, PeerMsg.CommitAdvance c) {
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

    /** Records e as committed (its config and share are stored) and ends what it makes obsolete. */
    void record(NodeCtx ctx, Epoch e) {
        ctx.updateState(s -> s.withCommit(e));
        coordination.stopIfObsoletedBy(e);
        computing.stopIfCommitted(e);
        loading.stopCollectingBefore(e);
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
            record(ctx, e);
            return Advance.COMMITTED;
        }
        if (computing.reaches(e)) {
            return Advance.PENDING;
        }
        // Start computing this node's share of e from K shares of the other members.
        ctx.updateState(s -> s.withConfig(config).withCommitProof(commitProof));
        computing.stop();
        coordination.stopIfObsoletedBy(e);
        computing.start(ctx, config);
        return Advance.PENDING;
    }
}
