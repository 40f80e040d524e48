package org.trustquorum.core.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.trustquorum.core.Check;

/**
 * Everything a node must keep across restarts. Immutable: every change returns a new value, which
 * is what the driver persists. Lists are kept in ascending epoch order, one entry per epoch.
 *
 * @param configs  every configuration the node learned
 * @param shares   the node's own key share per epoch
 * @param commits  the epochs the node committed
 * @param expunged the permanent expunged marker, or null
 * @param commitProofs the control plane's signed commit decision per epoch (ascending, one each):
 *                     present for every epoch this node committed or is computing its share of
 * @param controlPlaneKey the control plane's public key the node was initialised with, or null
 *                        (the driver records it on first start and refuses a different one later)
 * @param networkConfig the newest gossiped network configuration this node accepted, or null
 */
public record PersistentState(List<Configuration> configs, List<EpochShare> shares, List<Epoch> commits,
        ExpungedMarker expunged, List<CommitProof> commitProofs, TrustAnchor controlPlaneKey,
        StoredNetworkConfig networkConfig) {

    public static final PersistentState EMPTY = new PersistentState(List.of(), List.of(), List.of(), null, List.of(),
            null, null);

    /** Without a recorded control-plane key or network configuration. */
    public PersistentState(List<Configuration> configs, List<EpochShare> shares, List<Epoch> commits,
            ExpungedMarker expunged, List<CommitProof> commitProofs) {
        this(configs, shares, commits, expunged, commitProofs, null, null);
    }

    public PersistentState {
        Check.notNull(configs, "configs");
        Check.notNull(shares, "shares");
        Check.notNull(commits, "commits");
        configs = List.copyOf(configs);
        shares = List.copyOf(shares);
        commits = List.copyOf(commits);
        commitProofs = commitProofs == null ? List.of() : List.copyOf(commitProofs);
        for (int i = 1; i < commitProofs.size(); i++) {
            Check.argument(commitProofs.get(i - 1).epoch().isBefore(commitProofs.get(i).epoch()),
                    "commit proofs must be ascending by epoch");
        }
        for (int i = 1; i < configs.size(); i++) {
            Check.argument(configs.get(i - 1).epoch().isBefore(configs.get(i).epoch()), "configs must be ascending by epoch");
            Check.argument(configs.get(i - 1).rackId().equals(configs.get(i).rackId()), "all configs must share one rack id");
        }
        for (int i = 1; i < shares.size(); i++) {
            Check.argument(shares.get(i - 1).epoch().isBefore(shares.get(i).epoch()), "shares must be ascending by epoch");
        }
        for (int i = 1; i < commits.size(); i++) {
            Check.argument(commits.get(i - 1).isBefore(commits.get(i)), "commits must be ascending");
        }
    }

    public Optional<Configuration> config(Epoch epoch) {
        for (Configuration c : configs) {
            if (c.epoch().equals(epoch)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    public Optional<KeyShare> share(Epoch epoch) {
        for (EpochShare s : shares) {
            if (s.epoch().equals(epoch)) {
                return Optional.of(s.share());
            }
        }
        return Optional.empty();
    }

    public boolean isCommitted(Epoch epoch) {
        return commits.contains(epoch);
    }

    /** True if the node holds both the configuration and its own share for the epoch. */
    public boolean hasPrepared(Epoch epoch) {
        return config(epoch).isPresent() && share(epoch).isPresent();
    }

    public Optional<Configuration> latestConfig() {
        return configs.isEmpty() ? Optional.empty() : Optional.of(configs.get(configs.size() - 1));
    }

    /** The epoch of the latest known configuration, or {@link Epoch#NONE}. */
    public Epoch latestConfigEpoch() {
        return configs.isEmpty() ? Epoch.NONE : configs.get(configs.size() - 1).epoch();
    }

    /** The latest committed epoch, or {@link Epoch#NONE}. */
    public Epoch latestCommittedEpoch() {
        return commits.isEmpty() ? Epoch.NONE : commits.get(commits.size() - 1);
    }

    public Optional<Configuration> latestCommittedConfig() {
        return commits.isEmpty() ? Optional.empty() : config(latestCommittedEpoch());
    }

    /** The rack id of the latest configuration, if any. */
    public Optional<RackId> rackId() {
        return latestConfig().map(Configuration::rackId);
    }

    public boolean isExpunged() {
        return expunged != null;
    }

    /** Adds a configuration; an existing one for the epoch is kept (the caller checks equality). */
    public PersistentState withConfig(Configuration config) {
        if (config(config.epoch()).isPresent()) {
            return this;
        }
        List<Configuration> next = new ArrayList<>(configs);
        next.add(config);
        next.sort((a, b) -> a.epoch().compareTo(b.epoch()));
        return new PersistentState(next, shares, commits, expunged, commitProofs, controlPlaneKey, networkConfig);
    }

    /** Adds this node's share for an epoch; an existing one is kept. */
    public PersistentState withShare(Epoch epoch, KeyShare share) {
        if (share(epoch).isPresent()) {
            return this;
        }
        List<EpochShare> next = new ArrayList<>(shares);
        next.add(new EpochShare(epoch, share.copy()));
        next.sort((a, b) -> a.epoch().compareTo(b.epoch()));
        return new PersistentState(configs, next, commits, expunged, commitProofs, controlPlaneKey, networkConfig);
    }

    /** The control plane's signed commit decision for an epoch, if this node holds it. */
    public Optional<CommitProof> commitProof(Epoch epoch) {
        for (CommitProof p : commitProofs) {
            if (p.epoch().equals(epoch)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** Adds the signed commit decision of an epoch; an existing one is kept. */
    public PersistentState withCommitProof(CommitProof proof) {
        if (commitProof(proof.epoch()).isPresent()) {
            return this;
        }
        List<CommitProof> next = new ArrayList<>(commitProofs);
        next.add(proof);
        next.sort((a, b) -> a.epoch().compareTo(b.epoch()));
        return new PersistentState(configs, shares, commits, expunged, next, controlPlaneKey, networkConfig);
    }

    /** Records a commit; the node must hold the epoch's configuration, share and commit proof. */
    public PersistentState withCommit(Epoch epoch) {
        Check.state(hasPrepared(epoch), "cannot commit epoch %s without its configuration and share", epoch);
        Check.state(commitProof(epoch).isPresent(), "cannot commit epoch %s without the control plane's proof", epoch);
        if (commits.contains(epoch)) {
            return this;
        }
        List<Epoch> next = new ArrayList<>(commits);
        next.add(epoch);
        Collections.sort(next);
        return new PersistentState(configs, shares, next, expunged, commitProofs, controlPlaneKey, networkConfig);
    }

    /** Records the control plane's public key (once; an existing one is kept). */
    public PersistentState withControlPlaneKey(TrustAnchor key) {
        Check.notNull(key, "control-plane key");
        return controlPlaneKey != null ? this
                : new PersistentState(configs, shares, commits, expunged, commitProofs, key, networkConfig);
    }

    public PersistentState withExpunged(ExpungedMarker marker) {
        Check.notNull(marker, "expunged marker");
        return expunged != null ? this
                : new PersistentState(configs, shares, commits, marker, commitProofs, controlPlaneKey, networkConfig);
    }

    /**
     * Records a gossiped network configuration if it is strictly newer than the stored one; an
     * equal or lower generation never replaces what is stored.
     */
    public PersistentState withNetworkConfig(StoredNetworkConfig config) {
        Check.notNull(config, "network config");
        return !config.isNewerThan(networkConfig) ? this
                : new PersistentState(configs, shares, commits, expunged, commitProofs, controlPlaneKey, config);
    }

    @Override
    public String toString() {
        return "PersistentState[configs=" + configs.stream().map(c -> c.epoch().toString()).toList()
                + ", shares=" + shares.stream().map(s -> s.epoch().toString()).toList()
                + ", commits=" + commits + ", expunged=" + expunged
                + ", networkConfig=" + (networkConfig == null ? "none" : networkConfig.generation()) + "]";
    }
}
