package org.trustquorum.runtime.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.TrustAnchor;
import org.trustquorum.runtime.cp.ControlPlaneKeyFiles;
import org.trustquorum.runtime.ledger.Ledger;

/**
 * Which control-plane key a starting node trusts, on a real ledger in a temporary directory: the
 * first start records the configured key; a later start with a different key is refused and the
 * ledger keeps the recorded one.
 */
class ControlPlaneTrustTest {
    private static final NodeId SELF = new NodeId("913-0000019", "sled-01");

    @TempDir
    Path dir;

    private Ledger ledger() {
        return new Ledger(List.of(dir.resolve("l1/ledger.json"), dir.resolve("l2/ledger.json")));
    }

    private Path keyFile(String name) throws Exception {
        ControlPlaneKeyFiles.generate(dir.resolve(name));
        return dir.resolve(name).resolve(ControlPlaneKeyFiles.PUBLIC_KEY_FILE);
    }

    private static TrustAnchor anchorOf(Path publicKeyFile) throws Exception {
        return ControlPlaneKeyFiles.readPublic(publicKeyFile).anchor();
    }

    @Test
    void theFirstStartRecordsTheConfiguredKeyBeforeAnythingElse() throws Exception {
        Path key = keyFile("cp");
        Durability.Snapshot s = ControlPlaneTrust.loadAndTrust(SELF, Durability.of(ledger()), key);
        assertEquals(1, s.generation());
        assertEquals(anchorOf(key), s.state().controlPlaneKey());
        assertEquals(anchorOf(key), ledger().load().state().controlPlaneKey(), "the key is durable");
    }

    @Test
    void theSameKeyAtALaterStartIsTrustedWithoutAWrite() throws Exception {
        Path key = keyFile("cp");
        ControlPlaneTrust.loadAndTrust(SELF, Durability.of(ledger()), key);
        Durability.Snapshot again = ControlPlaneTrust.loadAndTrust(SELF, Durability.of(ledger()), key);
        assertEquals(1, again.generation());
        assertEquals(1, ledger().load().generation());
    }

    @Test
    void aDifferentKeyAtALaterStartIsRefusedAndTheLedgerKeepsTheRecordedOne() throws Exception {
        Path original = keyFile("cp");
        Path other = keyFile("other-cp");
        ControlPlaneTrust.loadAndTrust(SELF, Durability.of(ledger()), original);

        ControlPlaneTrust.KeyChangedException e = assertThrows(ControlPlaneTrust.KeyChangedException.class,
                () -> ControlPlaneTrust.loadAndTrust(SELF, Durability.of(ledger()), other));
        assertTrue(e.getMessage().contains(other.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("is not the one this node was initialised with"), e.getMessage());
        assertTrue(e.getMessage().contains("docs/SECURITY.md"), e.getMessage());

        Ledger.Loaded after = ledger().load();
        assertEquals(1, after.generation(), "the refused start wrote nothing");
        assertEquals(anchorOf(original), after.state().controlPlaneKey());
    }
}
