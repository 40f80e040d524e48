package org.trustquorum.sim.check;

import java.util.Map;
import java.util.Optional;
import org.trustquorum.core.auth.ConfigAuthority;
import org.trustquorum.core.model.CommitProof;
import org.trustquorum.core.model.Configuration;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.PersistentState;

/**
 * On every persist of every node: each stored configuration is one the control plane proposed
 * and signed; each commit carries the control plane's signed commit decision; an expunged marker
 * stands on a configuration the control plane committed without the node. Forged input that got
 * past a gate is caught the moment it reaches the ledger.
 */
public final class AuthorizedState {
    public static final String UNSIGNED_CONFIG = "unsigned-config-stored";
    public static final String UNSIGNED_COMMIT = "unsigned-commit";
    public static final String UNPROVEN_EXPUNGE = "expunged-without-signed-removal";
    public static final String HONEST_FRAME_REFUSED = "honest-frame-refused";

    private AuthorizedState() {}

    /**
     * @param decided the configurations the control plane decided to commit, by epoch
     */
    public static void check(String node, NodeId id, PersistentState before, PersistentState next,
            ConfigAuthority authority, Map<Epoch, Configuration> decided) {
        for (Configuration c : next.configs()) {
            if (before.config(c.epoch()).isEmpty()) {
                Optional<String> problem = authority.checkProposal(c);
                if (problem.isPresent()) {
                    throw new Violation(UNSIGNED_CONFIG, node + " stored configuration " + c.epoch() + ": "
                            + problem.get());
                }
            }
        }
        for (Epoch e : next.commits()) {
            if (before.isCommitted(e)) {
                continue;
            }
            Optional<CommitProof> proof = next.commitProof(e);
            Optional<String> problem = proof.isEmpty() ? Optional.of("no commit proof")
                    : authority.checkCommit(next.config(e).orElseThrow(), proof.get().signature());
            if (problem.isPresent()) {
                throw new Violation(UNSIGNED_COMMIT, node + " committed epoch " + e + ": " + problem.get());
            }
        }
        if (next.isExpunged() && !before.isExpunged()) {
            Epoch e = next.expunged().epoch();
            Configuration removal = decided.get(e);
            boolean wasMember = decided.values().stream().anyMatch(c -> c.epoch().isBefore(e) && c.isMember(id));
            if (removal == null || removal.isMember(id) || !wasMember) {
                throw new Violation(UNPROVEN_EXPUNGE, node + " was expunged at epoch " + e + " by "
                        + next.expunged().from() + " but the control plane committed no configuration without it there");
            }
        }
    }

    public static final String UNSIGNED_REQUEST_ACCEPTED = "unsigned-request-accepted";

    public static Violation unsignedRequestAccepted(String node, String response) {
        return new Violation(UNSIGNED_REQUEST_ACCEPTED, node + " answered a reconfiguration the control plane never signed"
                + " with " + response + " instead of Unauthorized");
    }

    public static Violation honestFrameRefused(String node, NodeId peer, String kind, String reason) {
        return new Violation(HONEST_FRAME_REFUSED, node + " refused " + kind + " from honest " + peer + ": " + reason);
    }
}
