package org.trustquorum.core.protocol;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.trustquorum.core.api.NodeError;
import org.trustquorum.core.api.NodeError.LoadSecretError;
import org.trustquorum.core.crypto.CryptoException;
import org.trustquorum.core.crypto.RackSecret;
import org.trustquorum.core.crypto.SecretChain;
import org.trustquorum.core.model.Alarm;
import org.trustquorum.core.model.Configuration;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.PersistentState;
import org.trustquorum.core.model.Result;
import org.trustquorum.core.msg.PeerMsg;

/**
 * Rack secrets in memory: the latest committed one rebuilt from K shares, the earlier ones
 * decrypted from the chain that the latest configuration carries.
 */
final class SecretLoading {
    /** Shares gathered to rebuild the rack secret of the latest committed epoch, or null. */
    private ShareCollector loader;
    /** Rack secrets this node has rebuilt or decrypted, by epoch. */
    private final SortedMap<Epoch, RackSecret> loaded = new TreeMap<>();

    /** Node#loadRackSecret. */
    Result<Optional<RackSecret>, LoadSecretError> load(NodeCtx ctx, Epoch epoch) {
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
            collect(ctx, latestConfig);
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
    void clear() {
        loaded.values().forEach(RackSecret::close);
        loaded.clear();
        if (loader != null) {
            loader.wipe();
            loader = null;
        }
    }

    List<Epoch> loadedEpochs() {
        return List.copyOf(loaded.keySet());
    }

    /** Drops a collection for an epoch older than e, which is now committed and so the latest. */
    void stopCollectingBefore(Epoch e) {
        if (loader != null && loader.config().epoch().isBefore(e)) {
            loader.wipe();
            loader = null;
        }
    }

    void onConnect(NodeCtx ctx, NodeId peer) {
        if (loader != null) {
            loader.askFor(ctx, peer);
        }
    }

    void onShare(NodeCtx ctx, NodeId from, PeerMsg.Share s) {
        if (loader != null && loader.config().epoch().equals(s.epoch()) && loader.offer(from, s.share())
                && loader.complete()) {
            finish(ctx);
        }
    }

    private void collect(NodeCtx ctx, Configuration latest) {
        if (loader != null && loader.config().epoch().equals(latest.epoch())) {
            return;
        }
        if (loader != null) {
            loader.wipe();
        }
        loader = new ShareCollector(latest);
        ctx.state().share(latest.epoch()).ifPresent(own -> loader.offer(ctx.me(), own));
        for (NodeId peer : ctx.connected()) {
            loader.askFor(ctx, peer);
        }
        if (loader.complete()) {
            finish(ctx);
        }
    }

    private void finish(NodeCtx ctx) {
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

    /** An independent copy, which its receiver closes; the transient bytes are zeroed. */
    static RackSecret copyOf(RackSecret secret) {
        byte[] bytes = secret.copyBytes();
        try {
            return RackSecret.fromBytes(bytes);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }
}
