package org.trustquorum.runtime.ledger;

import org.trustquorum.core.model.CommitProof;
import org.trustquorum.core.model.CpSignature;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trustquorum.core.model.Configuration;
import org.trustquorum.core.model.EncryptedRackSecrets;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.ExpungedMarker;
import org.trustquorum.core.model.KeyShare;
import org.trustquorum.core.model.Member;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.PersistentState;
import org.trustquorum.core.model.RackId;
import org.trustquorum.core.model.Sha3Digest;
import org.trustquorum.core.model.Threshold;

class LedgerTest {
    @TempDir
    Path dir;

    private static final RackId RACK = new RackId(0x1111L, 0x2222L);
    private static final NodeId A = new NodeId("913-01", "A1");
    private static final NodeId B = new NodeId("913-01", "B2");
    private static final NodeId C = new NodeId("913-01", "C3");

    private static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (seed + 13 * i);
        }
        return b;
    }

    private static Configuration config(long epoch, boolean withSecrets) {
        return new Configuration(RACK, Epoch.of(epoch), A,
                List.of(new Member(A, new Sha3Digest(bytes(32, 1))), new Member(B, new Sha3Digest(bytes(32, 2))),
                        new Member(C, new Sha3Digest(bytes(32, 3)))),
                Threshold.of(2),
                withSecrets ? new EncryptedRackSecrets(bytes(32, 4), bytes(56, 5)) : null,
                new CpSignature(bytes(CpSignature.LENGTH_BYTES, 6)));
    }

    /** State after preparing and committing epochs 1..n (epoch 2+ carry encrypted earlier secrets). */
    static PersistentState stateThrough(int n) {
        PersistentState s = PersistentState.EMPTY;
        for (int e = 1; e <= n; e++) {
            s = s.withConfig(config(e, e > 1)).withShare(Epoch.of(e), new KeyShare(1, bytes(32, 40 + e)))
                    .withCommitProof(new CommitProof(Epoch.of(e), new CpSignature(bytes(CpSignature.LENGTH_BYTES, 60 + e))))
                    .withCommit(Epoch.of(e));
        }
        return s;
    }

    private List<Path> paths() {
        return List.of(dir.resolve("a/ledger.json"), dir.resolve("b/ledger.json"));
    }

    private Ledger loaded() throws Exception {
        Ledger l = new Ledger(paths());
        l.load();
        return l;
    }

    @Test
    void noFilesMeansEmptyStateAtGenerationZero() throws Exception {
        Ledger.Loaded got = new Ledger(paths()).load();
        assertEquals(0, got.generation());
        assertEquals(PersistentState.EMPTY, got.state());
        assertTrue(got.copies().stream().allMatch(c -> c.status() == Ledger.CopyReport.Status.MISSING));
    }

    @Test
    void writtenStateLoadsBackEqual() throws Exception {
        PersistentState state = stateThrough(3).withExpunged(new ExpungedMarker(Epoch.of(4), B));
        loaded().write(1, state);
        Ledger.Loaded got = new Ledger(paths()).load();
        assertEquals(1, got.generation());
        assertEquals(state, got.state());
        assertTrue(got.allCopiesCurrent());
        for (Path p : paths()) {
            JsonNode root = LedgerJson.MAPPER.readTree(Files.readAllBytes(p));
            assertEquals(List.of("format", "generation", "state", "checksum"), iterableToList(root.fieldNames()));
            assertEquals(1, root.get("generation").asLong());
            assertTrue(root.get("checksum").asText().matches("[0-9a-f]{64}"));
        }
    }

    @Test
    void jsonHasNoHelperPropertiesAndKeepsTheExpungedMarker() throws Exception {
        PersistentState state = stateThrough(1).withExpunged(new ExpungedMarker(Epoch.of(2), C));
        loaded().write(1, state);
        String json = Files.readString(paths().get(0));
        assertFalse(json.contains("\"none\""), "Epoch.isNone() leaked into the file");
        assertFalse(json.contains("\"valid\""), "Threshold.isValid() leaked into the file");
        JsonNode expunged = LedgerJson.MAPPER.readTree(json).get("state").get("expunged");
        assertTrue(expunged.isObject(), "expunged must be the marker, not a boolean");
        assertEquals("C3", expunged.get("from").get("serialNumber").asText());
    }

    @Test
    void tornNewestCopyFallsBackToThePreviousValidCopy() throws Exception {
        Ledger ledger = loaded();
        ledger.write(1, stateThrough(1));
        ledger.write(2, stateThrough(2));
        // Simulate a crash while writing generation 3 to the first copy: it holds half a file.
        byte[] gen3 = Ledger.serialize(3, stateThrough(3));
        Files.write(paths().get(0), Arrays.copyOf(gen3, gen3.length / 2));

        Ledger.Loaded got = new Ledger(paths()).load();
        assertEquals(2, got.generation());
        assertEquals(stateThrough(2), got.state());
        assertEquals(Ledger.CopyReport.Status.INVALID, got.copies().get(0).status());
        assertFalse(got.allCopiesCurrent());
    }

    @Test
    void bitFlipInsideTheStateIsCaughtByTheChecksum() throws Exception {
        Ledger ledger = loaded();
        ledger.write(1, stateThrough(1));
        ledger.write(2, stateThrough(2));
        Files.write(paths().get(1), Ledger.serialize(2, stateThrough(2)));
        // Change one share byte in the first copy: still valid JSON and a valid model value.
        ObjectNode root = (ObjectNode) LedgerJson.MAPPER.readTree(Files.readAllBytes(paths().get(0)));
        ObjectNode share = (ObjectNode) root.get("state").get("shares").get(0).get("share");
        byte[] y = share.get("y").binaryValue();
        y[0] ^= 1;
        share.put("y", y);
        Files.write(paths().get(0), LedgerJson.MAPPER.writeValueAsBytes(root));

        Ledger.Loaded got = new Ledger(paths()).load();
        assertEquals(stateThrough(2), got.state());
        assertEquals("checksum mismatch", got.copies().get(0).problem());
    }

    @Test
    void editedGenerationIsCaughtByTheChecksum() throws Exception {
        loaded().write(5, stateThrough(2));
        String text = Files.readString(paths().get(0)).replace("\"generation\":5", "\"generation\":9");
        Files.writeString(paths().get(0), text);
        Ledger.Loaded got = new Ledger(paths()).load();
        assertEquals(5, got.generation());
        assertEquals("checksum mismatch", got.copies().get(0).problem());
    }

    @Test
    void crashBetweenCopiesLoadsTheNewerCopy() throws Exception {
        Ledger ledger = loaded();
        ledger.write(1, stateThrough(1));
        // Generation 2 reached the first copy only.
        Files.write(paths().get(0), Ledger.serialize(2, stateThrough(2)));
        Ledger.Loaded got = new Ledger(paths()).load();
        assertEquals(2, got.generation());
        assertEquals(stateThrough(2), got.state());
        assertFalse(got.allCopiesCurrent());
    }

    @Test
    void oneMissingCopyIsToleratedAndRestoredByTheNextWrite() throws Exception {
        loaded().write(1, stateThrough(1));
        Files.delete(paths().get(1));
        Ledger ledger = new Ledger(paths());
        Ledger.Loaded got = ledger.load();
        assertEquals(stateThrough(1), got.state());
        assertFalse(got.allCopiesCurrent());
        ledger.write(2, got.state());
        assertTrue(new Ledger(paths()).load().allCopiesCurrent());
    }

    @Test
    void allCopiesCorruptRefusesToLoad() throws Exception {
        loaded().write(1, stateThrough(2));
        Files.writeString(paths().get(0), "{ \"generation\": 1, \"sta");
        Files.writeString(paths().get(1), "garbage");
        LedgerException e = assertThrows(LedgerException.class, () -> new Ledger(paths()).load());
        assertTrue(e.getMessage().contains("refusing to start"), e.getMessage());
        assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
    }

    @Test
    void oneCorruptCopyAndOneMissingRefusesToLoad() throws Exception {
        Files.createDirectories(paths().get(0).getParent());
        Files.writeString(paths().get(0), "{}");
        assertThrows(LedgerException.class, () -> new Ledger(paths()).load());
    }

    @Test
    void stateThatBreaksAModelRuleIsRejected() throws Exception {
        loaded().write(1, stateThrough(2));
        // Reorder the commits so they are no longer ascending, and reseal with a correct checksum
        // over different content: the model constructor, not the checksum, has to catch this.
        ObjectNode root = (ObjectNode) LedgerJson.MAPPER.readTree(Files.readAllBytes(paths().get(0)));
        ObjectNode state = (ObjectNode) root.get("state");
        var commits = state.putArray("commits");
        commits.addObject().put("value", 2);
        commits.addObject().put("value", 1);
        for (Path p : paths()) {
            Files.write(p, LedgerJson.MAPPER.writeValueAsBytes(root));
        }
        LedgerException e = assertThrows(LedgerException.class, () -> new Ledger(paths()).load());
        assertTrue(e.getMessage().contains("state does not decode"), e.getMessage());
    }

    @Test
    void unknownFieldsAreRejected() throws Exception {
        loaded().write(1, stateThrough(1));
        ObjectNode root = (ObjectNode) LedgerJson.MAPPER.readTree(Files.readAllBytes(paths().get(0)));
        ((ObjectNode) root.get("state")).put("rackSecret", "AAAA");
        Files.write(paths().get(0), LedgerJson.MAPPER.writeValueAsBytes(root));
        Ledger.Loaded got = new Ledger(paths()).load();
        assertEquals(Ledger.CopyReport.Status.INVALID, got.copies().get(0).status());
        assertEquals(Ledger.CopyReport.Status.VALID, got.copies().get(1).status());
    }

    @Test
    void validCopiesThatDisagreeAtOneGenerationRefuseToLoad() throws Exception {
        Path a = paths().get(0);
        Path b = paths().get(1);
        Ledger first = new Ledger(List.of(a, dir.resolve("x/ledger.json")));
        first.load();
        first.write(1, stateThrough(1));
        Ledger second = new Ledger(List.of(b, dir.resolve("y/ledger.json")));
        second.load();
        second.write(1, stateThrough(2));
        LedgerException e = assertThrows(LedgerException.class, () -> new Ledger(paths()).load());
        assertTrue(e.getMessage().contains("different states at generation 1"), e.getMessage());
    }

    @Test
    void generationMustIncrease() throws Exception {
        Ledger ledger = loaded();
        assertThrows(IllegalArgumentException.class, () -> ledger.write(0, stateThrough(1)));
        ledger.write(1, stateThrough(1));
        assertThrows(IllegalArgumentException.class, () -> ledger.write(1, stateThrough(1)));
        ledger.write(7, stateThrough(2));
        assertEquals(8, ledger.append(stateThrough(3)));
        assertEquals(8, ledger.generation());

        Ledger reopened = new Ledger(paths());
        assertEquals(8, reopened.load().generation());
        assertThrows(IllegalArgumentException.class, () -> reopened.write(8, stateThrough(3)));
        reopened.write(9, stateThrough(3));
        assertEquals(9, new Ledger(paths()).load().generation());
    }

    @Test
    void writingBeforeLoadingIsRefused() {
        assertThrows(IllegalStateException.class, () -> new Ledger(paths()).write(1, stateThrough(1)));
    }

    @Test
    void failedWriteThrowsAndTheLedgerStaysUnusable() throws Exception {
        Path blocker = dir.resolve("blocker");
        Files.writeString(blocker, "a file where a directory should be");
        Ledger ledger = new Ledger(List.of(dir.resolve("ok/ledger.json"), blocker.resolve("ledger.json")));
        ledger.load();
        LedgerException e = assertThrows(LedgerException.class, () -> ledger.write(1, stateThrough(1)));
        assertTrue(e.getMessage().contains("blocker"), e.getMessage());
        assertEquals(0, ledger.generation());
        LedgerException again = assertThrows(LedgerException.class, () -> ledger.write(2, stateThrough(1)));
        assertTrue(again.getMessage().contains("unusable"), again.getMessage());
    }

    @Test
    void leftoverTemporaryFilesDoNotMatter() throws Exception {
        Ledger ledger = loaded();
        ledger.write(1, stateThrough(1));
        Path temp = paths().get(0).resolveSibling(".ledger.json.tmp");
        Files.writeString(temp, "half a write from before a crash");
        assertEquals(stateThrough(1), new Ledger(paths()).load().state());
        ledger.write(2, stateThrough(2));
        assertFalse(Files.exists(temp));
        assertEquals(2, new Ledger(paths()).load().generation());
    }

    @Test
    void ledgerFilesAreReadableByTheOwnerOnly() throws Exception {
        loaded().write(1, stateThrough(1));
        for (Path p : paths()) {
            if (p.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                        Files.getPosixFilePermissions(p));
            }
        }
    }

    @Test
    void atLeastTwoDistinctPathsAreRequired() {
        Path one = dir.resolve("l.json");
        assertThrows(IllegalArgumentException.class, () -> new Ledger(List.of(one)));
        assertThrows(IllegalArgumentException.class, () -> new Ledger(List.of(one, dir.resolve("./l.json"))));
    }

    @Test
    void fileNeverContainsAnythingButTheFourFields() throws Exception {
        loaded().write(3, stateThrough(1));
        String json = new String(Files.readAllBytes(paths().get(1)), StandardCharsets.UTF_8);
        JsonNode root = LedgerJson.MAPPER.readTree(json);
        assertEquals(4, root.size());
        assertEquals(Set.of("configs", "shares", "commits", "expunged", "commitProofs", "controlPlaneKey"),
                Set.copyOf(iterableToList(root.get("state").fieldNames())));
    }

    private static List<String> iterableToList(java.util.Iterator<String> it) {
        List<String> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
