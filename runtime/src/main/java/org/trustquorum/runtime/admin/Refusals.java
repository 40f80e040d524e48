package org.trustquorum.runtime.admin;

import java.util.List;
import java.util.stream.Collectors;
import org.trustquorum.core.api.NodeError;
import org.trustquorum.core.api.ReconfigureRequest;
import org.trustquorum.core.engine.ApiRequest;
import org.trustquorum.core.model.Alarm;
import org.trustquorum.core.model.Configuration;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.Threshold;
import org.trustquorum.core.msg.ProxyOp;

/**
 * The message of a node error, in words: what the node holds and what the request asked, never a
 * Java name. {@code asked} is the request that failed (null if unknown); {@code stored} is what the
 * answering node holds (null when the error came from another node through a proxy, whose state
 * is not at hand: then only the error's own values are named).
 */
final class Refusals {
    private Refusals() {}

    static String describe(NodeError e, ApiRequest asked, NodeView stored) {
        return switch (e) {
            case NodeError.CoordinatorMustBeAMemberOfNewGroup x -> "the coordinator " + x.coordinator()
                    + " must be one of the new members" + askedMembers(asked);
            case NodeError.ThresholdMismatch x -> "threshold " + x.threshold() + " must be smaller than the number of members ("
                    + x.members() + ")";
            case NodeError.InvalidMembershipSize x -> "a configuration has " + Configuration.MIN_MEMBERS + " to "
                    + Configuration.MAX_MEMBERS + " members; the request has " + x.members();
            case NodeError.InvalidThreshold x -> "a threshold is " + Threshold.MIN + " to " + Threshold.MAX
                    + "; the request asks for " + x.threshold();
            case NodeError.NotAMember x -> "this node is not a member of the configuration for epoch " + x.epoch()
                    + " it was sent" + askedConfig(asked);
            case NodeError.InvalidRackId x -> "this node belongs to rack " + x.expected() + "; the request names rack "
                    + x.got();
            case NodeError.Expunged x -> "this node was removed from the rack at epoch " + x.epoch() + " (it learned so from "
                    + x.from() + ") and refuses every request";
            case NodeError.LastCommittedEpochMismatch x -> "the request says the last committed epoch is "
                    + x.expected() + ", but this node's last committed epoch is " + epochOrNone(x.actual());
            case NodeError.PreparedEpochMismatch x -> (x.existing().equals(x.requested())
                    ? "epoch " + x.existing() + " is already taken by " + storedConfig(stored, x.existing())
                    : "this node already holds epoch " + x.existing() + " (" + storedConfig(stored, x.existing())
                            + "), which is not older than the requested epoch " + x.requested())
                    + askedMembers(asked) + "; a new reconfiguration needs an epoch after " + x.existing();
            case NodeError.ReconfigurationInProgress x -> "this node is already working on epoch " + x.current()
                    + ", which is newer than the requested epoch " + x.requested();
            case NodeError.MismatchedReconfiguration x -> "epoch " + x.epoch()
                    + " is already being prepared by this node with a different request (" + coordinating(stored, x.epoch())
                    + ")" + askedMembers(asked);
            case NodeError.NotPrepared x -> "asked to commit epoch " + x.epoch() + ", but this node has not prepared it"
                    + (stored == null ? "" : " (it holds the shares of epochs " + epochs(stored.status().shareEpochs()) + ")");
            case NodeError.ConfigurationMismatch x -> "this node holds a different configuration for epoch " + x.epoch()
                    + " (" + storedConfig(stored, x.epoch()) + ")" + askedConfig(asked);
            case NodeError.NoCommittedConfigurations x -> "this node has no committed configuration yet"
                    + askedEpoch(asked);
            case NodeError.NotCommitted x -> "epoch " + x.epoch() + " is not committed at this node"
                    + (stored == null ? "" : " (its last committed epoch is "
                    + epochOrNone(stored.status().latestCommittedEpoch()) + ")");
            case NodeError.NotAvailable x -> "the rack secret of epoch " + x.epoch()
                    + " cannot be recovered at this node: its latest committed configuration carries no earlier secrets";
            case NodeError.Alarmed x -> "this node raised an alarm that stops this call: " + alarm(x.alarm());
            case NodeError.Unauthorized x -> "the control plane did not sign this request (" + x.reason()
                    + "); a node acts only on reconfigurations and commits signed with the control plane's key";
        };
    }

    /** An alarm in words. */
    static String alarm(Alarm a) {
        return switch (a) {
            case Alarm.MismatchedConfigurations m -> "two different configurations were seen for epoch " + m.epoch()
                    + " (the other from " + m.from() + ")";
            case Alarm.KeyShareComputationFailed k -> "computing this node's key share for epoch " + k.epoch()
                    + " failed: " + k.reason();
            case Alarm.CommittedConfigurationLost c -> "the configuration or key share of committed epoch " + c.epoch()
                    + " is missing from the ledger";
            case Alarm.RackSecretDecryptionFailed d -> "the earlier rack secrets carried by epoch " + d.epoch()
                    + " did not decrypt: " + d.reason();
            case Alarm.RackSecretReconstructionFailed r -> "the rack secret of epoch " + r.epoch()
                    + " could not be rebuilt from the collected shares: " + r.reason();
        };
    }

    static String ids(List<NodeId> ids) {
        return ids.stream().map(NodeId::toString).collect(Collectors.joining(", "));
    }

    private static String epochs(List<Epoch> epochs) {
        return epochs.isEmpty() ? "none" : epochs.stream().map(Epoch::toString).collect(Collectors.joining(", "));
    }

    private static String epochOrNone(Epoch e) {
        return e.isNone() ? "none (0)" : e.toString();
    }

    private static String config(Configuration c) {
        return "members " + ids(c.memberIds()) + ", threshold " + c.threshold() + ", coordinator " + c.coordinator();
    }

    private static String storedConfig(NodeView stored, Epoch epoch) {
        if (stored == null) {
            return "a configuration";
        }
        return stored.config(epoch).map(c -> "a configuration with " + config(c)).orElse("a configuration");
    }

    private static String coordinating(NodeView stored, Epoch epoch) {
        if (stored == null || stored.status().coordinator() == null) {
            return "its details are not at hand";
        }
        var cs = stored.status().coordinator();
        if (cs.config() == null) {
            return "still collecting the key shares of the last committed epoch to start it";
        }
        return config(cs.config());
    }

    private static String askedMembers(ApiRequest asked) {
        if (asked instanceof ApiRequest.Reconfigure r) {
            ReconfigureRequest q = r.request();
            return "; the request asks for epoch " + q.epoch() + " with members " + ids(q.members()) + ", threshold "
                    + q.threshold();
        }
        return "";
    }

    private static String askedConfig(ApiRequest asked) {
        if (asked instanceof ApiRequest.PrepareAndCommit p) {
            return "; the request sent " + config(p.config());
        }
        if (asked instanceof ApiRequest.Proxy p && p.op() instanceof ProxyOp.PrepareAndCommit pc) {
            return "; the request sent " + config(pc.config());
        }
        return "";
    }

    private static String askedEpoch(ApiRequest asked) {
        return asked instanceof ApiRequest.LoadRackSecret l ? "; the request asks for the rack secret of epoch " + l.epoch() : "";
    }
}
