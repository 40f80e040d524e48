package org.trustquorum.core.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.trustquorum.core.model.KeyShare;

class RackSecretTest {
    private static byte[] pattern() {
        byte[] b = new byte[RackSecret.LENGTH_BYTES];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (0x11 * (i % 15) + 1);
        }
        return b;
    }

    private static byte[] internalBytes(RackSecret secret) throws ReflectiveOperationException {
        Field field = RackSecret.class.getDeclaredField("bytes");
        field.setAccessible(true);
        return ((byte[]) field.get(secret)).clone();
    }

    @Test
    void generateRedrawsWhileTheGeneratorReturnsZeros() {
        RandomGenerator base = ShamirTest.seeded(1);
        int[] calls = {0};
        // Four nextLong calls fill 32 bytes; the first two draws are all zero.
        RandomGenerator zerosFirst = () -> calls[0]++ < 8 ? 0L : base.nextLong();
        try (RackSecret secret = RackSecret.generate(zerosFirst)) {
            assertFalse(RackSecret.isAllZero(secret.copyBytes()));
            assertEquals(12, calls[0], "two rejected draws and one accepted");
        }
    }

    @Test
    void generateGivesUpOnAGeneratorThatOnlyReturnsZeros() {
        assertThrows(IllegalStateException.class, () -> RackSecret.generate(() -> 0L));
    }

    @Test
    void fromBytesCopiesAndRejectsWrongLengthOrAllZero() {
        byte[] input = pattern();
        try (RackSecret secret = RackSecret.fromBytes(input)) {
            input[0] ^= 1;
            assertArrayEquals(pattern(), secret.copyBytes());
            byte[] copy = secret.copyBytes();
            copy[1] ^= 1;
            assertArrayEquals(pattern(), secret.copyBytes());
        }
        assertThrows(IllegalArgumentException.class, () -> RackSecret.fromBytes(new byte[RackSecret.LENGTH_BYTES]));
        assertThrows(IllegalArgumentException.class, () -> RackSecret.fromBytes(new byte[31]));
        assertThrows(IllegalArgumentException.class, () -> RackSecret.fromBytes(null));
    }

    @Test
    void closeZeroesTheBytesAndLaterUseThrows() throws ReflectiveOperationException {
        RackSecret secret = RackSecret.fromBytes(pattern());
        RackSecret other = RackSecret.fromBytes(pattern());
        byte[] before = secret.copyBytes();
        assertArrayEquals(pattern(), internalBytes(secret));
        assertFalse(secret.isClosed());

        secret.close();
        assertTrue(secret.isClosed());
        assertArrayEquals(new byte[RackSecret.LENGTH_BYTES], internalBytes(secret));
        assertArrayEquals(pattern(), before, "a copy taken earlier belongs to the caller");
        assertThrows(IllegalStateException.class, secret::copyBytes);
        assertThrows(IllegalStateException.class, secret::fingerprint);
        assertThrows(IllegalStateException.class, () -> secret.split(2, 3, ShamirTest.seeded(2)));
        assertThrows(IllegalStateException.class, () -> secret.sameSecretAs(other));
        assertThrows(IllegalStateException.class, () -> other.sameSecretAs(secret));
        assertEquals("RackSecret[closed]", secret.toString());
        secret.close();
        assertTrue(secret.isClosed(), "closing twice is harmless");
        other.close();
    }

    @Test
    void toStringShowsTheFingerprintAndNoSecretBytes() {
        byte[] bytes = pattern();
        try (RackSecret secret = RackSecret.fromBytes(bytes)) {
            String text = secret.toString();
            assertEquals("RackSecret[fingerprint=" + secret.fingerprint() + "]", text);
            String hex = HexFormat.of().formatHex(bytes);
            for (int start = 0; start + 8 <= hex.length(); start += 2) {
                String window = hex.substring(start, start + 8);
                assertFalse(text.toLowerCase(Locale.ROOT).contains(window), "toString leaks secret hex " + window);
            }
        }
    }

    @Test
    void fingerprintIsStableDomainSeparatedAndShort() {
        byte[] bytes = pattern();
        try (RackSecret a = RackSecret.fromBytes(bytes); RackSecret b = RackSecret.fromBytes(bytes)) {
            byte[] expectedDigest = Digests.sha3("trust-quorum-v1-fingerprint".getBytes(StandardCharsets.US_ASCII), bytes);
            String expected = HexFormat.of().formatHex(expectedDigest).substring(0, 16);
            assertEquals(expected, a.fingerprint());
            assertEquals(a.fingerprint(), a.fingerprint());
            assertEquals(a.fingerprint(), b.fingerprint());
            assertNotEquals(HexFormat.of().formatHex(Digests.sha3(bytes)).substring(0, 16), a.fingerprint());
        }
        try (RackSecret c = RackSecret.generate(ShamirTest.seeded(3)); RackSecret d = RackSecret.generate(ShamirTest.seeded(4))) {
            assertNotEquals(c.fingerprint(), d.fingerprint());
        }
    }

    @Test
    void equalityIsIdentityButSameSecretAsComparesContent() {
        try (RackSecret a = RackSecret.fromBytes(pattern());
                RackSecret b = RackSecret.fromBytes(pattern());
                RackSecret c = RackSecret.generate(ShamirTest.seeded(5))) {
            assertNotEquals(a, b);
            assertEquals(a, a);
            assertTrue(a.sameSecretAs(b));
            assertFalse(a.sameSecretAs(c));
        }
    }

    @Test
    void splitAndReconstructRoundTrip() throws CryptoException {
        try (RackSecret secret = RackSecret.generate(ShamirTest.seeded(6))) {
            List<KeyShare> shares = secret.split(3, 5, ShamirTest.seeded(7));
            try (RackSecret back = RackSecret.reconstruct(List.of(shares.get(4), shares.get(0), shares.get(2)))) {
                assertTrue(secret.sameSecretAs(back));
            }
        }
    }

    @Test
    void reconstructingAnAllZeroSecretIsAnError() {
        List<KeyShare> shares = Shamir.split(new byte[RackSecret.LENGTH_BYTES], 2, 3, ShamirTest.seeded(8));
        CryptoException e = assertThrows(CryptoException.class, () -> RackSecret.reconstruct(shares));
        assertTrue(e.getMessage().contains("all zero"), e.getMessage());
    }
}
