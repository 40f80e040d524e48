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
import org.trustquorum.core.api.NodeError;
import org.trustquorum.core.api.NodeError.ReconfigureError;
import org.trustquorum.core.api.NodeStatus.CoordinatorStatus;
import org.trustquorum.core.api.NodeStatus.Phase;
import org.trustquorum.core.api.ReconfigureRequest;
import org.trustquorum.core.auth.ConfigAuthority;
import org.trustquorum.core.crypto.CryptoException;
import org.trustquorum.core.crypto.Digests;
import org.trustquorum.core.crypto.RackSecret;
import org.trustquorum.core.crypto.SecretChain;
import org.trustquorum.core.model.Alarm;
import org.trustquorum.core.model.Configuration;
import org.trustquorum.core.model.EncryptedRackSecrets;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.KeyShare;
import org.trustquorum.core.model.Member;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.PersistentState;
import org.trustquorum.core.model.RackId;
import org.trustquorum.core.model.Result;
import org.trustquorum.core.msg.PeerMsg;

/**
 * The reconfiguration this node coordinates, if any. It is the node's only user of the random
 * generator, so the order of draws is fixed by this class alone.
 */
final class Coordination {
    private final RandomGenerator rng;
    private final ConfigAuthority authority;
    private final Mutation mutation;
    /** The reconfiguration in progress, or null. */
    private Coordinator coordinator;

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

    Coordination(RandomGenerator rng, ConfigAuthority authority, Mutation mutation) {
        this.rng = rng;
        this.authority = authority;
        this.mutation = mutation;
    }

    /** Node#coordinateReconfiguration; computing is consulted because a newer commit makes req stale. */
    Result<ReconfigureOutcome, ReconfigureError> start(NodeCtx ctx, ReconfigureRequest req,
            ShareComputation computing) {
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
        if (computing.active()) {
            // This node is still computing its share of a newer committed epoch than it has
            // recorded; a reconfiguration based on its last commit would be stale.
            return Result.err(new NodeError.ReconfigurationInProgress(computing.epoch(), req.epoch()));
        }
        stop();
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
        // coordinated by anyone; the request then meets PreparedEpochMismatch in start.
        boolean settled = !state.latestCommittedEpoch().isNone()
                && state.latestCommittedEpoch().compareTo(req.epoch()) >= 0;
        return settled && state.config(req.epoch())
                .filter(c -> c.coordinator().equals(me) && c.rackId().equals(req.rackId())
                        && c.threshold().equals(req.threshold()) && c.memberIds().equals(req.members()))
                .isPresent();
    }

    /** What this node coordinates, or null. */
    CoordinatorStatus status() {
        if (coordinator == null) {
            return null;
        }
        return new CoordinatorStatus(coordinator.epoch(), coordinator.phase(), List.copyOf(coordinator.acked),
                coordinator.config);
    }

    void stop() {
        if (coordinator != null) {
            coordinator.wipe();
            coordinator = null;
        }
    }

    /** Stops if the coordinated epoch is earlier than e: this node accepted a later Prepare. */
    void stopIfBefore(Epoch e) {
        if (coordinator != null && coordinator.epoch().isBefore(e)) {
            stop();
        }
    }

    /** Stops if committing e makes the coordinated epoch, or the commit it builds on, obsolete. */
    void stopIfObsoletedBy(Epoch e) {
        if (coordinator != null && (coordinator.epoch().compareTo(e) <= 0
                || coordinator.request.lastCommittedEpoch().isBefore(e))) {
            stop();
        }
    }

    /** Asks the peer again for whatever the current phase still waits on from it. */
    void onConnect(NodeCtx ctx, NodeId peer) {
        if (coordinator == null) {
            return;
        }
        if (coordinator.phase() == Phase.COLLECTING_SHARES) {
            coordinator.oldShares.askFor(ctx, peer);
        } else {
            KeyShare share = coordinator.prepares.get(peer);
            if (share != null && !coordinator.acked.contains(peer)) {
                ctx.send(peer, new PeerMsg.Prepare(coordinator.config.rackId(), coordinator.config, share.copy()));
            }
        }
    }

    void onPrepareAck(NodeId from, PeerMsg.PrepareAck a) {
        if (coordinator != null && coordinator.phase() == Phase.COLLECTING_ACKS && coordinator.epoch().equals(a.epoch())
                && coordinator.config.isMember(from)) {
            coordinator.acked.add(from);
            KeyShare held = coordinator.prepares.remove(from);
            if (held != null) {
                held.wipe();
            }
        }
    }

    void onShare(NodeCtx ctx, NodeId from, PeerMsg.Share s) {
        if (coordinator != null && coordinator.phase() == Phase.COLLECTING_SHARES
                && coordinator.oldShares.config().epoch().equals(s.epoch()) && coordinator.oldShares.offer(from, s.share())
                && coordinator.oldShares.complete()) {
            finishShareCollection(ctx);
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
            stop();
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
                    stop();
                    return;
                }
            }
            chain.put(last.epoch(), SecretLoading.copyOf(oldSecret));
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
}
