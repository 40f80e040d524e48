package org.trustquorum.core.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.junit.jupiter.api.Test;
import org.trustquorum.core.model.KeyShare;

class ShamirTest {
    private static final int CASES = 200;
    private static final int MIN_N = 3;
    private static final int MAX_N = 32;
    private static final long BASE_SEED = 0x7A5F_C0DE_2024L;

    static RandomGenerator seeded(long seed) {
        return RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
    }

    private static byte[] randomSecret(RandomGenerator rng) {
        byte[] secret = new byte[Shamir.SECRET_LENGTH_BYTES];
        rng.nextBytes(secret);
        return secret;
    }

    /** The first {@code count} shares of a random permutation. */
    private static List<KeyShare> randomSubset(List<KeyShare> shares, int count, RandomGenerator rng) {
        List<KeyShare> shuffled = new ArrayList<>(shares);
        for (int i = shuffled.size() - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            KeyShare tmp = shuffled.get(i);
            shuffled.set(i, shuffled.get(j));
            shuffled.set(j, tmp);
        }
        return List.copyOf(shuffled.subList(0, count));
    }

    @Test
    void anyThresholdSizedSubsetReconstructsTheSecretAndOneFewerDoesNot() throws CryptoException {
        for (int c = 0; c < CASES; c++) {
            RandomGenerator rng = seeded(BASE_SEED + c);
            int n = MIN_N + rng.nextInt(MAX_N - MIN_N + 1);
            int k = 2 + rng.nextInt(n - 2);
            byte[] secret = randomSecret(rng);
            List<KeyShare> shares = Shamir.split(secret, k, n, rng);
            String where = "case " + c + " (k=" + k + ", n=" + n + ")";

            assertEquals(n, shares.size(), where);
            for (int i = 0; i < n; i++) {
                assertEquals(i + 1, shares.get(i).x(), where);
            }
            for (int trial = 0; trial < 3; trial++) {
                assertArrayEquals(secret, Shamir.reconstruct(randomSubset(shares, k, rng)), where);
            }
            assertArrayEquals(secret, Shamir.reconstruct(shares), where + " with all shares");

            List<KeyShare> tooFew = randomSubset(shares, k - 1, rng);
            if (tooFew.size() < Shamir.MIN_SHARES) {
                assertThrows(CryptoException.class, () -> Shamir.reconstruct(tooFew), where);
            } else {
                assertFalse(Arrays.equals(secret, Shamir.reconstruct(tooFew)), where + " with k-1 shares");
            }
        }
    }

    @Test
    void computeShareFromThresholdOtherSharesEqualsTheDealtShare() throws CryptoException {
        for (int c = 0; c < CASES; c++) {
            RandomGenerator rng = seeded(BASE_SEED * 31 + c);
            int n = MIN_N + rng.nextInt(MAX_N - MIN_N + 1);
            int k = 2 + rng.nextInt(n - 2);
            List<KeyShare> shares = Shamir.split(randomSecret(rng), k, n, rng);
            KeyShare missing = shares.get(rng.nextInt(n));
            List<KeyShare> others = new ArrayList<>(shares);
            others.remove(missing);
            List<KeyShare> helpers = randomSubset(others, k, rng);

            KeyShare computed = Shamir.computeShare(helpers, missing.x());
            assertEquals(missing, computed, "case " + c + " (k=" + k + ", n=" + n + ")");
            assertEquals(Digests.shareDigest(missing), Digests.shareDigest(computed));
        }
    }

    @Test
    void computeShareAtAnInputsCoordinateReturnsACopyOfThatShare() throws CryptoException {
        List<KeyShare> shares = Shamir.split(randomSecret(seeded(1)), 3, 5, seeded(2));
        KeyShare copy = Shamir.computeShare(shares.subList(0, 2), 2);
        assertEquals(shares.get(1), copy);
        copy.wipe();
        assertFalse(shares.get(1).equals(copy), "wiping the copy leaves the original intact");
    }

    @Test
    void computeShareCanExtendBeyondTheDealtShares() throws CryptoException {
        byte[] secret = randomSecret(seeded(3));
        List<KeyShare> shares = Shamir.split(secret, 4, 6, seeded(4));
        KeyShare extra = Shamir.computeShare(shares.subList(0, 4), 200);
        List<KeyShare> mixed = List.of(extra, shares.get(5), shares.get(4), shares.get(1));
        assertArrayEquals(secret, Shamir.reconstruct(mixed));
    }

    @Test
    void sharesFollowTheDealtPolynomialForAKnownCoefficient() {
        byte[] secret = new byte[Shamir.SECRET_LENGTH_BYTES];
        for (int i = 0; i < secret.length; i++) {
            secret[i] = (byte) (i * 7 + 1);
        }
        // The stub fills the coefficient block with 0x03 bytes: each polynomial is s_j + 3x.
        RandomGenerator constantThrees = () -> 0x0303_0303_0303_0303L;
        List<KeyShare> shares = Shamir.split(secret, 2, 4, constantThrees);
        for (KeyShare share : shares) {
            for (int j = 0; j < secret.length; j++) {
                int expected = (secret[j] & 0xFF) ^ Gf256.mul(3, share.x());
                assertEquals(expected, share.yAt(j));
            }
        }
    }

    @Test
    void splittingIsDeterministicForASeed() {
        byte[] secret = randomSecret(seeded(5));
        assertEquals(Shamir.split(secret, 3, 7, seeded(6)), Shamir.split(secret, 3, 7, seeded(6)));
        assertFalse(Shamir.split(secret, 3, 7, seeded(6)).equals(Shamir.split(secret, 3, 7, seeded(7))));
    }

    @Test
    void fewerThanTwoSharesAreRejected() {
        List<KeyShare> shares = Shamir.split(randomSecret(seeded(8)), 2, 3, seeded(9));
        CryptoException none = assertThrows(CryptoException.class, () -> Shamir.reconstruct(List.of()));
        assertTrue(none.getMessage().contains("at least 2"), none.getMessage());
        assertThrows(CryptoException.class, () -> Shamir.reconstruct(shares.subList(0, 1)));
        assertThrows(CryptoException.class, () -> Shamir.computeShare(shares.subList(0, 1), 3));
    }

    @Test
    void duplicateCoordinatesAreRejected() {
        List<KeyShare> shares = Shamir.split(randomSecret(seeded(10)), 2, 4, seeded(11));
        List<KeyShare> duplicated = List.of(shares.get(0), shares.get(1), shares.get(1));
        CryptoException e = assertThrows(CryptoException.class, () -> Shamir.reconstruct(duplicated));
        assertTrue(e.getMessage().contains("duplicate"), e.getMessage());
        KeyShare sameXOtherY = new KeyShare(1, new byte[Shamir.SECRET_LENGTH_BYTES]);
        assertThrows(CryptoException.class, () -> Shamir.reconstruct(List.of(shares.get(0), sameXOtherY)));
        assertThrows(CryptoException.class, () -> Shamir.computeShare(duplicated, 4));
    }

    @Test
    void invalidSplitParametersAreRejected() {
        byte[] secret = randomSecret(seeded(12));
        RandomGenerator rng = seeded(13);
        assertThrows(IllegalArgumentException.class, () -> Shamir.split(secret, 1, 3, rng));
        assertThrows(IllegalArgumentException.class, () -> Shamir.split(secret, 3, 3, rng));
        assertThrows(IllegalArgumentException.class, () -> Shamir.split(secret, 4, 3, rng));
        assertThrows(IllegalArgumentException.class, () -> Shamir.split(secret, 2, 256, rng));
        assertThrows(IllegalArgumentException.class, () -> Shamir.split(new byte[31], 2, 3, rng));
        assertThrows(IllegalArgumentException.class, () -> Shamir.split(new byte[33], 2, 3, rng));
        assertEquals(255, Shamir.split(secret, 254, 255, rng).size());
    }

    @Test
    void computeShareRejectsCoordinatesOutsideTheField() {
        List<KeyShare> shares = Shamir.split(randomSecret(seeded(14)), 2, 3, seeded(15));
        assertThrows(IllegalArgumentException.class, () -> Shamir.computeShare(shares, 0));
        assertThrows(IllegalArgumentException.class, () -> Shamir.computeShare(shares, 256));
    }
}
