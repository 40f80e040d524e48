package org.trustquorum.core.api;

import org.trustquorum.core.model.Alarm;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.RackId;

/**
 * Every error the node API returns, as values users can match on. Each API call has its own
 * sealed sub-interface, so a {@code switch} over the errors of one call is exhaustive without a
 * default branch.
 */
public sealed interface NodeError {

    /** Errors of {@code coordinateReconfiguration}. */
    sealed interface ReconfigureError extends NodeError {}

    /** Errors of {@code commit}. */
    sealed interface CommitError extends NodeError {}

    /** Errors of {@code prepareAndCommit}. */
    sealed interface PrepareAndCommitError extends NodeError {}

    /** Errors of {@code loadRackSecret}. */
    sealed interface LoadSecretError extends NodeError {}

    /** A short human-readable description of the error. */
    default String describe() {
        return toString();
    }

    record CoordinatorMustBeAMemberOfNewGroup(NodeId coordinator) implements ReconfigureError {}

    /** The threshold is not smaller than the number of members. */
    record ThresholdMismatch(int members, int threshold) implements ReconfigureError {}

    record InvalidMembershipSize(int members) implements ReconfigureError {}

    record InvalidThreshold(int threshold) implements ReconfigureError {}

    record InvalidRackId(RackId expected, RackId got) implements ReconfigureError, CommitError, PrepareAndCommitError {}

    record Expunged(Epoch epoch, NodeId from)
            implements ReconfigureError, CommitError, PrepareAndCommitError, LoadSecretError {}

    record LastCommittedEpochMismatch(Epoch expected, Epoch actual) implements ReconfigureError {}

    /** The requested epoch is not newer than the latest configuration this node knows. */
    record PreparedEpochMismatch(Epoch existing, Epoch requested) implements ReconfigureError {}

    /** This node is already coordinating a higher epoch. */
    record ReconfigurationInProgress(Epoch current, Epoch requested) implements ReconfigureError {}

    /** A reconfiguration for this epoch with different content is already under way. */
    record MismatchedReconfiguration(Epoch epoch) implements ReconfigureError {}

    record NotPrepared(Epoch epoch) implements CommitError {}

    /** A prepare-and-commit for a configuration this node is not a member of. */
    record NotAMember(Epoch epoch) implements PrepareAndCommitError {}

    /** The configuration conflicts with one this node already stored for the epoch. */
    record ConfigurationMismatch(Epoch epoch) implements PrepareAndCommitError {}

    record NoCommittedConfigurations() implements LoadSecretError {}

    record NotCommitted(Epoch epoch) implements LoadSecretError {}

    record NotAvailable(Epoch epoch) implements LoadSecretError {}

    /** The request or configuration is not signed by the control plane (or the signature is wrong). */
    record Unauthorized(String reason) implements ReconfigureError, CommitError, PrepareAndCommitError {}

    /** The node has raised an alarm that stops this operation. */
    record Alarmed(Alarm alarm) implements LoadSecretError, PrepareAndCommitError {}
}
