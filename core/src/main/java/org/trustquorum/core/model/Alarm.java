package org.trustquorum.core.model;

/** Conditions that must never happen in a correct deployment. Kept in memory and reported in status. */
public sealed interface Alarm {
    /** Two different configurations were seen for the same epoch. */
    record MismatchedConfigurations(Epoch epoch, NodeId from) implements Alarm {}

    /** Computing this node's own key share failed (interpolation error or digest mismatch). */
    record KeyShareComputationFailed(Epoch epoch, String reason) implements Alarm {}

    /** A committed epoch's configuration or share is missing from the persistent state. */
    record CommittedConfigurationLost(Epoch epoch) implements Alarm {}

    /** The chain of earlier rack secrets failed to decrypt. */
    record RackSecretDecryptionFailed(Epoch epoch, String reason) implements Alarm {}

    /** The rack secret could not be rebuilt from the collected shares. */
    record RackSecretReconstructionFailed(Epoch epoch, String reason) implements Alarm {}
}
