package org.trustquorum.core.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.random.RandomGenerator;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.trustquorum.core.model.EncryptedRackSecrets;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.RackId;

class SecretChainTest {
    private static final RackId RACK = RackId.parse("6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b");
    private static final RackId OTHER_RACK = RackId.parse("6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4c");
    private static final Epoch NEW_EPOCH = Epoch.of(9);

    private final List<RackSecret> opened = new ArrayList<>();

    @AfterEach
    void closeSecrets() {
        opened.forEach(RackSecret::close);
    }

    private RackSecret secret(long seed) {
        RackSecret s = RackSecret.generate(ShamirTest.seeded(seed));
        opened.add(s);
        return s;
    }

    private SortedMap<Epoch, RackSecret> chain(long... epochs) {
        SortedMap<Epoch, RackSecret> map = new TreeMap<>();
        for (long e : epochs) {
            map.put(Epoch.of(e), secret(1000 + e));
        }
        return map;
    }

    private SortedMap<Epoch, RackSecret> decryptTracked(RackSecret newSecret, RackId rack, Epoch epoch,
            EncryptedRackSecrets encrypted) throws CryptoException {
        SortedMap<Epoch, RackSecret> result = SecretChain.decrypt(newSecret, rack, epoch, encrypted);
        opened.addAll(result.values());
        return result;
    }

    private static void assertSameChain(SortedMap<Epoch, RackSecret> expected, SortedMap<Epoch, RackSecret> actual) {
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(actual.keySet()));
        for (Map.Entry<Epoch, RackSecret> entry : expected.entrySet()) {
            assertTrue(entry.getValue().sameSecretAs(actual.get(entry.getKey())), "secret of epoch " + entry.getKey());
        }
    }

    /** The key derivation written out independently of {@link SecretChain}. */
    private static byte[] referenceKey(RackSecret newSecret, RackId rack, Epoch epoch, byte[] salt) throws Exception {
        byte[] prefix = "trust-quorum-v1-rack-secrets".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer info = ByteBuffer.allocate(prefix.length + 16 + 8);
        info.put(prefix).putLong(rack.mostSignificant()).putLong(rack.leastSignificant()).putLong(epoch.value());
        return HkdfTest.referenceHkdf(salt, newSecret.copyBytes(), info.array(), 32);
    }

    /** Seals arbitrary plaintext the way the format prescribes, to feed malformed contents to decrypt. */
    private static EncryptedRackSecrets seal(RackSecret newSecret, RackId rack, Epoch epoch, byte[] salt,
            byte[] plaintext) throws Exception {
        Cipher cipher = Cipher.getInstance("ChaCha20-Poly1305");
        cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(referenceKey(newSecret, rack, epoch, salt), "ChaCha20"),
                new IvParameterSpec(new byte[12]));
        return new EncryptedRackSecrets(salt, cipher.doFinal(plaintext));
    }

    private static byte[] records(Object... epochAndBytes) {
        ByteBuffer out = ByteBuffer.allocate(epochAndBytes.length / 2 * SecretChain.RECORD_LENGTH_BYTES);
        for (int i = 0; i < epochAndBytes.length; i += 2) {
            out.putLong((Long) epochAndBytes[i]).put((byte[]) epochAndBytes[i + 1]);
        }
        return out.array();
    }

    private static byte[] filled(int value) {
        byte[] b = new byte[RackSecret.LENGTH_BYTES];
        java.util.Arrays.fill(b, (byte) value);
        return b;
    }

    @Test
    void chainsOfZeroOneAndSeveralEpochsRoundTrip() throws CryptoException {
        RackSecret newSecret = secret(1);
        List<SortedMap<Epoch, RackSecret>> chains = List.of(chain(), chain(3), chain(1, 2, 5, 7, 8));
        for (SortedMap<Epoch, RackSecret> earlier : chains) {
            EncryptedRackSecrets encrypted = SecretChain.encrypt(newSecret, RACK, NEW_EPOCH, earlier, ShamirTest.seeded(2));
            assertEquals(earlier.size() * SecretChain.RECORD_LENGTH_BYTES + SecretChain.TAG_LENGTH_BYTES,
                    encrypted.ciphertext().length);
            SortedMap<Epoch, RackSecret> decrypted = decryptTracked(newSecret, RACK, NEW_EPOCH, encrypted);
            assertSameChain(earlier, decrypted);
        }
    }

    @Test
    void epochsAboveTheSignedRangeKeepUnsignedOrder() throws CryptoException {
        RackSecret newSecret = secret(3);
        SortedMap<Epoch, RackSecret> earlier = new TreeMap<>();
        earlier.put(Epoch.of(5), secret(4));
        earlier.put(Epoch.of(Long.MIN_VALUE), secret(5));
        Epoch newEpoch = Epoch.of(-2L);
        EncryptedRackSecrets encrypted = SecretChain.encrypt(newSecret, RACK, newEpoch, earlier, ShamirTest.seeded(6));
        assertSameChain(earlier, decryptTracked(newSecret, RACK, newEpoch, encrypted));
    }

    @Test
    void flippingAnyCiphertextOrSaltByteFailsAuthentication() throws CryptoException {
        RackSecret newSecret = secret(7);
        EncryptedRackSecrets good = SecretChain.encrypt(newSecret, RACK, NEW_EPOCH, chain(2, 4), ShamirTest.seeded(8));
        byte[] ciphertext = good.ciphertext();
        for (int i = 0; i < ciphertext.length; i++) {
            byte[] tampered = ciphertext.clone();
            tampered[i] ^= 0x01;
            EncryptedRackSecrets bad = new EncryptedRackSecrets(good.salt(), tampered);
            CryptoException e = assertThrows(CryptoException.class,
                    () -> SecretChain.decrypt(newSecret, RACK, NEW_EPOCH, bad), "ciphertext byte " + i);
            assertTrue(e.getMessage().contains("authentication"), e.getMessage());
        }
        byte[] salt = good.salt();
        for (int i = 0; i < salt.length; i++) {
            byte[] tampered = salt.clone();
            tampered[i] ^= (byte) 0x80;
            EncryptedRackSecrets bad = new EncryptedRackSecrets(tampered, ciphertext);
            assertThrows(CryptoException.class, () -> SecretChain.decrypt(newSecret, RACK, NEW_EPOCH, bad),
                    "salt byte " + i);
        }
        byte[] truncated = java.util.Arrays.copyOf(ciphertext, ciphertext.length - 1);
        assertThrows(CryptoException.class,
                () -> SecretChain.decrypt(newSecret, RACK, NEW_EPOCH, new EncryptedRackSecrets(good.salt(), truncated)));
        assertThrows(CryptoException.class,
                () -> SecretChain.decrypt(newSecret, RACK, NEW_EPOCH, new EncryptedRackSecrets(good.salt(), new byte[0])));
    }

    @Test
    void wrongSecretRackOrEpochFailsToDecrypt() throws CryptoException {
        RackSecret newSecret = secret(9);
        RackSecret otherSecret = secret(10);
        EncryptedRackSecrets encrypted = SecretChain.encrypt(newSecret, RACK, NEW_EPOCH, chain(1, 2), ShamirTest.seeded(11));
        assertThrows(CryptoException.class, () -> SecretChain.decrypt(otherSecret, RACK, NEW_EPOCH, encrypted));
        assertThrows(CryptoException.class, () -> SecretChain.decrypt(newSecret, OTHER_RACK, NEW_EPOCH, encrypted));
        assertThrows(CryptoException.class, () -> SecretChain.decrypt(newSecret, RACK, NEW_EPOCH.next(), encrypted));
        assertThrows(CryptoException.class, () -> SecretChain.decrypt(newSecret, RACK, Epoch.of(8), encrypted));
    }

    @Test
    void encryptionIsDeterministicForASeedAndMatchesAnIndependentConstruction() throws Exception {
        RackSecret newSecret = secret(12);
        SortedMap<Epoch, RackSecret> earlier = chain(2, 6);
        EncryptedRackSecrets first = SecretChain.encrypt(newSecret, RACK, NEW_EPOCH, earlier, ShamirTest.seeded(13));
        EncryptedRackSecrets second = SecretChain.encrypt(newSecret, RACK, NEW_EPOCH, earlier, ShamirTest.seeded(13));
        assertEquals(first, second);
        EncryptedRackSecrets otherSeed = SecretChain.encrypt(newSecret, RACK, NEW_EPOCH, earlier, ShamirTest.seeded(14));
        assertNotEquals(first, otherSeed);

        byte[] salt = new byte[EncryptedRackSecrets.SALT_LENGTH_BYTES];
        ShamirTest.seeded(13).nextBytes(salt);
        byte[] plaintext = records(2L, earlier.get(Epoch.of(2)).copyBytes(), 6L, earlier.get(Epoch.of(6)).copyBytes());
        EncryptedRackSecrets expected = seal(newSecret, RACK, NEW_EPOCH, salt, plaintext);
        assertEquals(expected, first);
    }

    @Test
    void encryptDrawsOnlyTheSalt() throws CryptoException {
        RandomGenerator base = ShamirTest.seeded(15);
        int[] calls = {0};
        RandomGenerator counting = () -> {
            calls[0]++;
            return base.nextLong();
        };
        SecretChain.encrypt(secret(16), RACK, NEW_EPOCH, chain(1), counting);
        assertEquals(EncryptedRackSecrets.SALT_LENGTH_BYTES / Long.BYTES, calls[0]);
    }

    @Test
    void malformedDecryptedContentsAreRejectedWithTheReason() throws Exception {
        RackSecret newSecret = secret(17);
        byte[] salt = filled(0x5A);
        String[][] cases = {
            {"multiple", "partial"},
            {"ascending", "descending"},
            {"ascending", "repeated"},
            {"all zero", "zero secret"},
            {"not before", "future epoch"},
            {"ascending", "epoch zero"},
        };
        byte[][] plaintexts = {
            java.util.Arrays.copyOf(records(1L, filled(1)), SecretChain.RECORD_LENGTH_BYTES + 5),
            records(3L, filled(1), 2L, filled(2)),
            records(3L, filled(1), 3L, filled(2)),
            records(1L, filled(1), 2L, filled(0)),
            records(1L, filled(1), NEW_EPOCH.value(), filled(2)),
            records(0L, filled(1)),
        };
        for (int i = 0; i < cases.length; i++) {
            EncryptedRackSecrets sealed = seal(newSecret, RACK, NEW_EPOCH, salt, plaintexts[i]);
            CryptoException e = assertThrows(CryptoException.class,
                    () -> SecretChain.decrypt(newSecret, RACK, NEW_EPOCH, sealed), cases[i][1]);
            assertTrue(e.getMessage().contains(cases[i][0]), cases[i][1] + ": " + e.getMessage());
        }
        // Sanity: the same construction with well-formed contents decrypts.
        EncryptedRackSecrets wellFormed = seal(newSecret, RACK, NEW_EPOCH, salt, records(1L, filled(1), 4L, filled(4)));
        SortedMap<Epoch, RackSecret> decrypted = decryptTracked(newSecret, RACK, NEW_EPOCH, wellFormed);
        assertArrayEquals(filled(4), decrypted.get(Epoch.of(4)).copyBytes());
    }

    @Test
    void encryptRejectsEarlierEpochsThatAreNotBeforeTheNewOne() {
        RackSecret newSecret = secret(18);
        RandomGenerator rng = ShamirTest.seeded(19);
        assertThrows(IllegalArgumentException.class,
                () -> SecretChain.encrypt(newSecret, RACK, NEW_EPOCH, chain(2, NEW_EPOCH.value()), rng));
        assertThrows(IllegalArgumentException.class,
                () -> SecretChain.encrypt(newSecret, RACK, NEW_EPOCH, chain(0), rng));
        assertThrows(IllegalArgumentException.class,
                () -> SecretChain.encrypt(newSecret, RACK, Epoch.NONE, chain(), rng));
        SortedMap<Epoch, RackSecret> reversed = new TreeMap<>(Comparator.reverseOrder());
        reversed.putAll(chain(1, 2));
        assertThrows(IllegalArgumentException.class,
                () -> SecretChain.encrypt(newSecret, RACK, NEW_EPOCH, reversed, rng));
    }

    @Test
    void closedSecretsCannotBeUsed() {
        RackSecret closed = RackSecret.generate(ShamirTest.seeded(20));
        closed.close();
        assertThrows(IllegalStateException.class,
                () -> SecretChain.encrypt(closed, RACK, NEW_EPOCH, chain(1), ShamirTest.seeded(21)));
        SortedMap<Epoch, RackSecret> withClosed = new TreeMap<>();
        withClosed.put(Epoch.of(1), closed);
        assertThrows(IllegalStateException.class,
                () -> SecretChain.encrypt(secret(22), RACK, NEW_EPOCH, withClosed, ShamirTest.seeded(21)));
    }
}
