package org.trustquorum.runtime.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.trustquorum.core.api.NodeStatus;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.RackId;
import org.trustquorum.runtime.cp.ControlPlaneDriver;
import org.trustquorum.runtime.ledger.Ledger;
import org.trustquorum.runtime.ledger.LedgerException;

/**
 * Ledger faults seen by a node across restarts (the file-level cases are in LedgerTest): the
 * node's daemon is stopped, its ledger files are damaged, and it is started again.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LedgerFaultRestartTest {
    private static final RackId RACK = RackId.parse("7a6b5c4d-3e2f-4a1b-8c9d-0e1f2a3b4c5d");

    @TempDir
    Path dir;

    /** Turns a valid copy into one whose JSON still parses but whose content no longer matches its checksum. */
    static void flipOneShareCharacter(Path copy) throws Exception {
        String text = Files.readString(copy, StandardCharsets.UTF_8);
        int y = text.indexOf("\"y\":\"");
        assertTrue(y > 0, "the copy holds a key share");
        int at = y + "\"y\":\"".length() + 3;
        char replacement = text.charAt(at) == 'A' ? 'B' : 'A';
        Files.writeString(copy, text.substring(0, at) + replacement + text.substring(at + 1), StandardCharsets.UTF_8);
    }

    /** A write cut short: only the first half of the file reached the disk. */
    static void tear(Path copy) throws Exception {
        byte[] bytes = Files.readAllBytes(copy);
        Files.write(copy, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    }

    private static NodeStatus status(LocalCluster c, NodeId id) throws Exception {
        return ReconfigurationOverTlsTest.status(c.admin(id));
    }

    @Test
    void aCorruptNewestCopyIsCaughtByItsChecksumAndTheNodeRestartsFromTheOlderValidCopy(Vertx vertx) throws Exception {
        try (LocalCluster c = LocalCluster.start(vertx, dir, 3);
                ControlPlaneDriver cp = new ControlPlaneDriver(RACK, c.ids, c.controlPlaneKey(), c.gatewayTo(c.ids), line -> {})) {
            c.awaitMesh();
            NodeId b = c.id(2);
            List<Path> copies = c.settings(b).ledgerPaths();
            Epoch first = cp.reconfigure(c.ids, 2).orElseThrow();
            cp.awaitIdle(LocalCluster.WAIT);
            String firstPrint = ReconfigurationOverTlsTest.unlock(c.admin(b), first);
            byte[] olderCopy = Files.readAllBytes(copies.get(1));
            long olderGeneration = new Ledger(copies).load().generation();

            Epoch second = cp.reconfigure(c.ids, 2).orElseThrow();
            cp.awaitIdle(LocalCluster.WAIT);
            assertEquals(List.of(first, second), status(c, b).committedEpochs());

            // Copy a holds the newest state but is damaged; copy b is an older generation, intact.
            c.stopNode(b);
            flipOneShareCharacter(copies.get(0));
            Files.write(copies.get(1), olderCopy);
            Ledger.Loaded seen = new Ledger(copies).load();
            assertEquals(Ledger.CopyReport.Status.INVALID, seen.copies().get(0).status());
            assertEquals("checksum mismatch", seen.copies().get(0).problem());
            assertEquals(olderGeneration, seen.generation());

            c.startNode(b);
            c.announcePeers();
            NodeStatus after = status(c, b);
            assertEquals(List.of(first), after.committedEpochs(), "the older copy's state, not an empty one");
            assertEquals(List.of(first), after.shareEpochs());
            assertEquals((double) olderGeneration,
                    Scrape.value(c.node(b).scrape().await(), "tq_ledger_generation{node=\"" + b + "\"}"));
            c.awaitMesh();
            assertEquals(firstPrint, ReconfigurationOverTlsTest.unlock(c.admin(b), first), "and it still unlocks epoch " + first);
        }
    }

    @Test
    void aTornCopyIsSkippedAndTheNodeRestartsWithItsStateIntact(Vertx vertx) throws Exception {
        try (LocalCluster c = LocalCluster.start(vertx, dir, 3);
                ControlPlaneDriver cp = new ControlPlaneDriver(RACK, c.ids, c.controlPlaneKey(), c.gatewayTo(c.ids), line -> {})) {
            c.awaitMesh();
            NodeId b = c.id(2);
            Epoch epoch = cp.reconfigure(c.ids, 2).orElseThrow();
            cp.awaitIdle(LocalCluster.WAIT);
            NodeStatus before = status(c, b);

            c.stopNode(b);
            tear(c.settings(b).ledgerPaths().get(0));
            c.startNode(b);
            c.announcePeers();
            NodeStatus after = status(c, b);
            assertEquals(before.configEpochs(), after.configEpochs());
            assertEquals(before.shareEpochs(), after.shareEpochs());
            assertEquals(List.of(epoch), after.committedEpochs());
        }
    }

    @Test
    void aNodeWithNoValidCopyRefusesToStartAndLeavesItsFilesAlone(Vertx vertx) throws Exception {
        try (LocalCluster c = LocalCluster.start(vertx, dir, 3);
                ControlPlaneDriver cp = new ControlPlaneDriver(RACK, c.ids, c.controlPlaneKey(), c.gatewayTo(c.ids), line -> {})) {
            c.awaitMesh();
            NodeId b = c.id(2);
            List<Path> copies = c.settings(b).ledgerPaths();
            cp.reconfigure(c.ids, 2).orElseThrow();
            cp.awaitIdle(LocalCluster.WAIT);

            c.stopNode(b);
            tear(copies.get(0));
            flipOneShareCharacter(copies.get(1));
            byte[] a = Files.readAllBytes(copies.get(0));
            byte[] bCopy = Files.readAllBytes(copies.get(1));

            Exception e = assertThrows(Exception.class, () -> c.startNode(b));
            Throwable root = e;
            while (!(root instanceof LedgerException) && root.getCause() != null) {
                root = root.getCause();
            }
            assertTrue(root instanceof LedgerException, "a ledger error: " + e);
            assertTrue(root.getMessage().contains("no valid ledger copy, refusing to start with an empty state"), root.getMessage());
            assertTrue(root.getMessage().contains("not valid JSON") && root.getMessage().contains("checksum mismatch"),
                    "says what is wrong with each copy: " + root.getMessage());
            assertArrayEquals(a, Files.readAllBytes(copies.get(0)), "nothing was written over the damaged copies");
            assertArrayEquals(bCopy, Files.readAllBytes(copies.get(1)));
        }
    }
}
