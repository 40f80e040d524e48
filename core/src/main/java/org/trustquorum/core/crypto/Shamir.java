package org.trustquorum.core.crypto;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;
import org.trustquorum.core.Check;
import org.trustquorum.core.model.KeyShare;

/**
 * Shamir secret sharing of a 32-byte secret over GF(256), byte by byte: each secret byte is the
 * constant term of its own random polynomial of degree {@code threshold - 1}, and a share holds the
 * values of all 32 polynomials at one nonzero x.
 *
 * <p>All coefficients above the constant term are uniformly random, including the leading one.
 * Forcing the leading coefficient nonzero would look safer but would make one secret value per
 * byte impossible given {@code threshold - 1} shares, which is a (tiny) leak; uniform coefficients
 * keep the scheme perfectly hiding.
 */
public final class Shamir {
    public static final int MIN_SHARES = 2;
    /** x-coordinates are nonzero field elements, so at most 255 shares exist. */
    public static final int MAX_SHARES = Gf256.FIELD_SIZE - 1;
    public static final int SECRET_LENGTH_BYTES = KeyShare.SECRET_LENGTH_BYTES;

    private Shamir() {}

    /**
     * Deals {@code n} shares of {@code secret}; index i of the result is the share at x = i + 1.
     * Random coefficients are drawn from {@code rng} in one block of
     * {@code (threshold - 1) * 32} bytes, laid out degree by degree.
     */
    public static List<KeyShare> split(byte[] secret, int threshold, int n, RandomGenerator rng) {
        Check.notNull(secret, "secret");
        Check.notNull(rng, "random generator");
        Check.argument(secret.length == SECRET_LENGTH_BYTES,
                "a secret has %d bytes, got %d", SECRET_LENGTH_BYTES, secret.length);
        Check.argument(threshold >= MIN_SHARES && threshold < n && n <= MAX_SHARES,
                "need %d <= threshold < n <= %d, got threshold %d and n %d", MIN_SHARES, MAX_SHARES, threshold, n);

        // randomCoefficients[(d - 1) * 32 + j] is the coefficient of x^d in byte j's polynomial.
        byte[] randomCoefficients = new byte[(threshold - 1) * SECRET_LENGTH_BYTES];
        byte[] y = new byte[SECRET_LENGTH_BYTES];
        try {
            rng.nextBytes(randomCoefficients);
            List<KeyShare> shares = new ArrayList<>(n);
            for (int x = 1; x <= n; x++) {
                for (int j = 0; j < SECRET_LENGTH_BYTES; j++) {
                    // Horner's rule from the highest degree down to the constant term.
                    int value = 0;
                    for (int degree = threshold - 1; degree >= 1; degree--) {
                        int coefficient = randomCoefficients[(degree - 1) * SECRET_LENGTH_BYTES + j] & 0xFF;
                        value = Gf256.mul(value, x) ^ coefficient;
                    }
                    value = Gf256.mul(value, x) ^ (secret[j] & 0xFF);
                    y[j] = (byte) value;
                }
                shares.add(new KeyShare(x, y));
            }
            return List.copyOf(shares);
        } finally {
            Arrays.fill(randomCoefficients, (byte) 0);
            Arrays.fill(y, (byte) 0);
        }
    }

    /** The secret: the shared polynomials evaluated at 0. The caller zeroes the result. */
    public static byte[] reconstruct(List<KeyShare> shares) throws CryptoException {
        checkShares(shares);
        return interpolate(shares, 0);
    }

    /**
     * The share a member at {@code x} would hold. If {@code x} is already among the inputs, that
     * share is returned (as a copy). Interpolating from fewer shares than the threshold yields a
     * wrong share; callers compare the result with the digest recorded in the configuration.
     */
    public static KeyShare computeShare(List<KeyShare> shares, int x) throws CryptoException {
        Check.argument(x >= 1 && x <= MAX_SHARES, "share x-coordinate must be in 1..%d, got %d", MAX_SHARES, x);
        checkShares(shares);
        for (KeyShare share : shares) {
            if (share.x() == x) {
                byte[] y = share.y();
                try {
                    return new KeyShare(x, y);
                } finally {
                    Arrays.fill(y, (byte) 0);
                }
            }
        }
        byte[] y = interpolate(shares, x);
        try {
            return new KeyShare(x, y);
        } finally {
            Arrays.fill(y, (byte) 0);
        }
    }

    private static void checkShares(List<KeyShare> shares) throws CryptoException {
        Check.notNull(shares, "shares");
        if (shares.size() < MIN_SHARES) {
            throw new CryptoException("need at least " + MIN_SHARES + " shares to interpolate, got " + shares.size());
        }
        boolean[] seen = new boolean[Gf256.FIELD_SIZE];
        for (KeyShare share : shares) {
            Check.notNull(share, "share");
            if (seen[share.x()]) {
                throw new CryptoException("duplicate share x-coordinate " + share.x());
            }
            seen[share.x()] = true;
        }
    }

    /**
     * Lagrange interpolation at {@code at}: the sum over shares i of y_i * L_i(at), where
     * L_i(at) = product over j != i of (at - x_j) / (x_i - x_j). Subtraction is xor in this field.
     * The x-coordinates are public, so only the y arithmetic needs to be constant time.
     */
    private static byte[] interpolate(List<KeyShare> shares, int at) {
        byte[] result = new byte[SECRET_LENGTH_BYTES];
        for (KeyShare share : shares) {
            int xi = share.x();
            int numerator = 1;
            int denominator = 1;
            for (KeyShare other : shares) {
                int xj = other.x();
                if (xj != xi) {
                    numerator = Gf256.mul(numerator, at ^ xj);
                    denominator = Gf256.mul(denominator, xi ^ xj);
                }
            }
            int basis = Gf256.div(numerator, denominator);
            for (int b = 0; b < SECRET_LENGTH_BYTES; b++) {
                result[b] = (byte) (result[b] ^ Gf256.mul(basis, share.yAt(b)));
            }
        }
        return result;
    }
}
