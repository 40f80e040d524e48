package org.trustquorum.runtime.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trustquorum.core.model.PersistentState;

/** The ledger's format version: written, old files read, newer ones refused loudly. */
class LedgerFormatTest {
    @TempDir
    Path dir;

    private List<Path> paths() {
        return List.of(dir.resolve("a/ledger.json"), dir.resolve("b/ledger.json"));
    }

    private ObjectNode written(long generation, PersistentState state) throws Exception {
        return (ObjectNode) LedgerJson.MAPPER.readTree(Ledger.serialize(generation, state));
    }

    private void put(Path p, ObjectNode root) throws Exception {
        Files.createDirectories(p.getParent());
        Files.write(p, LedgerJson.MAPPER.writeValueAsBytes(root));
    }

    @Test
    void everyCopyNamesTheCurrentFormat() throws Exception {
        Ledger l = new Ledger(paths());
        l.load();
        l.write(1, LedgerTest.stateThrough(1));
        for (Path p : paths()) {
            assertEquals(LedgerFormat.CURRENT, LedgerJson.MAPPER.readTree(p.toFile()).get("format").asInt());
        }
    }

    @Test
    void aFileWithoutFormatIsReadAsVersionOne() throws Exception {
        PersistentState state = LedgerTest.stateThrough(2);
        ObjectNode v1 = written(5, state);
        v1.remove("format"); // exactly what the first release wrote
        for (Path p : paths()) {
            put(p, v1);
        }
        Ledger.Loaded got = new Ledger(paths()).load();
        assertEquals(5, got.generation());
        assertEquals(state, got.state());
        assertTrue(got.allCopiesCurrent());
    }

    @Test
    void aCopyInANewerFormatStopsTheLoadWithAClearMessage() throws Exception {
        Path older = paths().get(0);
        Path newer = paths().get(1);
        put(older, written(3, LedgerTest.stateThrough(1)));
        ObjectNode future = written(4, LedgerTest.stateThrough(2));
        future.put("format", LedgerFormat.CURRENT + 1);
        put(newer, future);
        LedgerException e = assertThrows(LedgerException.class, () -> new Ledger(paths()).load());
        assertTrue(e.getMessage().contains(newer.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("ledger format " + (LedgerFormat.CURRENT + 1) + " by a newer tq release"),
                e.getMessage());
    }

    @Test
    void aMalformedFormatFieldMakesTheCopyInvalid() throws Exception {
        ObjectNode bad = written(2, LedgerTest.stateThrough(1));
        bad.put("format", "two");
        put(paths().get(0), bad);
        put(paths().get(1), written(1, LedgerTest.stateThrough(1)));
        Ledger.Loaded got = new Ledger(paths()).load();
        assertEquals(1, got.generation(), "the valid copy is used");
        assertFalse(got.allCopiesCurrent());
        assertEquals(Ledger.CopyReport.Status.INVALID, got.copies().get(0).status());
    }
}
