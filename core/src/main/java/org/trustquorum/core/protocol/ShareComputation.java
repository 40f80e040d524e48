package org.trustquorum.core.protocol;

import java.util.Optional;
import java.util.function.Consumer;
import org.trustquorum.core.Mutation;
import org.trustquorum.core.crypto.CryptoException;
import org.trustquorum.core.crypto.Shamir;
import org.trustquorum.core.model.Alarm;
import org.trustquorum.core.model.Configuration;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.KeyShare;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.msg.PeerMsg;

/**
 * The computation of this node's own share of a committed epoch it never prepared, from K shares
 * of the other members. The commit itself is recorded by the caller, once the share is stored.
 */
final class ShareComputation {
    private final Mutation mutation;
    /** Sees every computed share before it is kept and wiped. */
    private final Consumer<KeyShare> watcher;
    /** Shares gathered for the epoch being computed, or null. */
    private ShareCollector computer;

    ShareComputation(Mutation mutation, Consumer<KeyShare> watcher) {
        this.mutation = mutation;
        this.watcher = watcher;
    }

    boolean active() {
        return computer != null;
    }

    /** The epoch whose share is being computed, or {@link Epoch#NONE}. */
    Epoch epoch() {
        return computer == null ? Epoch.NONE : computer.config().epoch();
    }

    boolean isFor(Epoch e) {
        return computer != null && computer.config().epoch().equals(e);
    }

    /** True while computing e or a later epoch. */
    boolean reaches(Epoch e) {
        return computer != null && computer.config().epoch().compareTo(e) >= 0;
    }

    /** Starts on config (the caller has stopped any earlier computation) and asks connected members. */
    void start(NodeCtx ctx, Configuration config) {
        computer = new ShareCollector(config);
        for (NodeId peer : ctx.connected()) {
            computer.askFor(ctx, peer);
        }
    }

    void stop() {
        if (computer != null) {
            computer.wipe();
            computer = null;
        }
    }

    /** Stops if e, now committed, is the computed epoch or a later one: nothing is left to compute. */
    void stopIfCommitted(Epoch e) {
        if (computer != null && computer.config().epoch().compareTo(e) <= 0) {
            stop();
        }
    }

    void onConnect(NodeCtx ctx, NodeId peer) {
        if (computer != null) {
            computer.askFor(ctx, peer);
        }
    }

    /** Takes a share; returns the epoch whose own share was just computed and stored, to record as committed. */
    Optional<Epoch> onShare(NodeCtx ctx, NodeId from, PeerMsg.Share s) {
        if (computer != null && computer.config().epoch().equals(s.epoch()) && computer.offer(from, s.share())
                && computer.complete()) {
            return finish(ctx);
        }
        return Optional.empty();
    }

    private Optional<Epoch> finish(NodeCtx ctx) {
        Configuration config = computer.config();
        Epoch e = config.epoch();
        NodeId me = ctx.me();
        KeyShare mine;
        try {
            int x = mutation == Mutation.COMPUTE_SHARE_AT_WRONG_X ? config.xOf(me) % config.size() + 1 : config.xOf(me);
            mine = Shamir.computeShare(computer.thresholdShares(), x);
        } catch (CryptoException ex) {
            ctx.raiseAlarm(new Alarm.KeyShareComputationFailed(e, ex.getMessage()));
            stop();
            return Optional.empty();
        }
        watcher.accept(mine);
        try {
            // The reference implementation trusts the interpolation; we check it against the digest.
            if (mutation != Mutation.COMPUTE_SHARE_AT_WRONG_X && !ShareCollector.isValid(config, me, mine)) {
                ctx.raiseAlarm(new Alarm.KeyShareComputationFailed(e, "computed share does not match its digest"));
                stop();
                return Optional.empty();
            }
            stop();
            ctx.updateState(s -> s.withShare(e, mine)); // the state keeps its own copy
        } finally {
            mine.wipe(); // the original, on every path
        }
        return Optional.of(e);
    }
}
