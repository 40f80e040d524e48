package org.trustquorum.runtime.ledger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trustquorum.core.model.PersistentState;
import org.trustquorum.core.model.StoredNetworkConfig;
import org.trustquorum.core.model.TrustAnchor;

/** The gossiped network configuration in the ledger: old files without it load, new ones round-trip it. */
class LedgerNetworkConfigTest {
    /** A ledger copy exactly as the release before this field wrote it (state of {@link #writtenBefore()}). */
    private static final String OLD_LEDGER = "ledger-before-network-config.json";
    private static final int ANCHOR_BYTES = 44;
    private static final int ANCHOR_SEED = 90;

    @TempDir
    Path dir;

    private List<Path> paths() {
        return List.of(dir.resolve("a/ledger.json"), dir.resolve("b/ledger.json"));
    }

    /** What the fixture holds: epochs 1 and 2 committed and a recorded control-plane key. */
    private static PersistentState writtenBefore() {
        byte[] anchor = new byte[ANCHOR_BYTES];
        for (int i = 0; i < anchor.length; i++) {
            anchor[i] = (byte) (ANCHOR_SEED + 13 * i);
        }
        return LedgerTest.stateThrough(2).withControlPlaneKey(new TrustAnchor(anchor));
    }

    @Test
    void aLedgerWrittenBeforeTheFieldExistedLoadsWithoutANetworkConfig() throws Exception {
        for (Path p : paths()) {
            Files.createDirectories(p.getParent());
            try (InputStream in = LedgerNetworkConfigTest.class.getResourceAsStream(OLD_LEDGER)) {
                Files.copy(in, p);
            }
        }
        Ledger.Loaded got = new Ledger(paths()).load();
        assertTrue(got.allCopiesCurrent(), () -> "every old copy is valid: " + got.copies());
        assertEquals(3, got.generation());
        assertEquals(writtenBefore(), got.state());
        assertNull(got.state().networkConfig());
    }

    @Test
    void theStoredNetworkConfigRoundTrips() throws Exception {
        byte[] blob = {0, 1, 2, (byte) 0xFF, 7};
        PersistentState state = writtenBefore().withNetworkConfig(new StoredNetworkConfig(41, blob));
        Ledger l = new Ledger(paths());
        l.load();
        l.write(4, state);

        Ledger.Loaded got = new Ledger(paths()).load();
        assertEquals(state, got.state());
        assertEquals(41, got.state().networkConfig().generation());
        assertArrayEquals(blob, got.state().networkConfig().blob());
        JsonNode field = LedgerJson.MAPPER.readTree(paths().get(0).toFile()).path("state").path("networkConfig");
        assertEquals(41, field.path("generation").asLong());
        assertEquals(Base64.getEncoder().encodeToString(blob), field.path("blob").asText());
    }

    @Test
    void aStateWithoutNetworkConfigIsWrittenWithoutTheField() throws Exception {
        JsonNode root = LedgerJson.MAPPER.readTree(Ledger.serialize(1, writtenBefore()));
        assertFalse(root.path("state").has("networkConfig"),
                "an absent value leaves the file as the earlier release wrote it");
    }
}
