package org.trustquorum.runtime.node;

import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.PersistentState;
import org.trustquorum.core.model.TrustAnchor;
import org.trustquorum.runtime.cp.ControlPlaneKeyFiles;

/**
 * Settles at start-up which control-plane key a node trusts: the one its ledger recorded, or on
 * first start the configured one, which is recorded before the node does anything else. A
 * configured key that differs from the recorded one stops the start: a node never switches trust
 * silently. Blocking (reads the key file, may write the ledger); runs on the ledger worker.
 */
final class ControlPlaneTrust {
    private static final Logger LOG = LoggerFactory.getLogger(ControlPlaneTrust.class);

    private ControlPlaneTrust() {}

    /** The configured key is not the one the ledger recorded. */
    static final class KeyChangedException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        KeyChangedException(Path configured) {
            super("the control-plane key in " + configured + " is not the one this node was initialised with "
                    + "(recorded in its ledger); a key rotation needs a signed hand-over, see docs/SECURITY.md");
        }
    }

    /** Loads the ledger and returns the snapshot the node starts from, with the trusted key recorded. */
    static Durability.Snapshot loadAndTrust(NodeId self, Durability durability, Path configuredKeyFile)
            throws Exception {
        Durability.Snapshot snapshot = durability.load();
        TrustAnchor configured = ControlPlaneKeyFiles.readPublic(configuredKeyFile).anchor();
        TrustAnchor recorded = snapshot.state().controlPlaneKey();
        if (recorded != null) {
            if (!recorded.equals(configured)) {
                throw new KeyChangedException(configuredKeyFile);
            }
            return snapshot;
        }
        PersistentState trusted = snapshot.state().withControlPlaneKey(configured);
        long gen = snapshot.generation() + 1;
        durability.write(gen, trusted);
        LOG.info("{}: recorded the control plane's public key in the ledger (generation {})", self, gen);
        return new Durability.Snapshot(gen, trusted);
    }
}
