package org.trustquorum.core.crypto;

/**
 * Arithmetic in GF(2^8) as used by AES: elements are bytes (as ints 0..255), addition is xor, and
 * products are reduced modulo x^8 + x^4 + x^3 + x + 1 (0x11B).
 *
 * <p>{@link #mul} and {@link #inv} run in time independent of their operands: fixed iteration
 * counts, no branches on the values and no table look-ups indexed by them, because share bytes and
 * secret bytes pass through them. The only branches are argument checks that every valid call
 * takes the same way.
 */
public final class Gf256 {
    /** The field modulus x^8 + x^4 + x^3 + x + 1. */
    public static final int FIELD_POLYNOMIAL = 0x11B;
    /** Number of elements in the field. */
    public static final int FIELD_SIZE = 256;

    /** What x^8 is congruent to: the modulus without its top bit. */
    private static final int REDUCTION_BITS = FIELD_POLYNOMIAL & 0xFF;
    private static final int BITS_PER_ELEMENT = 8;
    private static final int ELEMENT_MASK = 0xFF;

    private Gf256() {}

    public static int add(int a, int b) {
        requireElements(a, b);
        return a ^ b;
    }

    /** The field product, computed with a fixed eight-step shift-and-add loop driven by masks. */
    public static int mul(int a, int b) {
        requireElements(a, b);
        int multiplicand = a;
        int multiplier = b;
        int product = 0;
        for (int bit = 0; bit < BITS_PER_ELEMENT; bit++) {
            // All ones when the current low bit of the multiplier is set, else zero.
            int takeMask = -(multiplier & 1);
            product ^= multiplicand & takeMask;
            // Multiply the multiplicand by x; when a degree-8 term appears, fold it back in.
            int overflowMask = -((multiplicand >>> (BITS_PER_ELEMENT - 1)) & 1);
            multiplicand = ((multiplicand << 1) ^ (REDUCTION_BITS & overflowMask)) & ELEMENT_MASK;
            multiplier >>>= 1;
        }
        return product;
    }

    /**
     * The multiplicative inverse a^254 (the group of nonzero elements has order 255), evaluated by
     * the same squarings and multiplications for every input. Maps 0 to 0.
     */
    public static int inv(int a) {
        requireElements(a, 0);
        // 254 = 0b11111110, so a^254 = a^2 * a^4 * a^8 * a^16 * a^32 * a^64 * a^128.
        int power = mul(a, a);          // a^2
        int result = power;
        for (int step = 0; step < 6; step++) {
            power = mul(power, power);  // a^4, a^8, ..., a^128
            result = mul(result, power);
        }
        return result;
    }

    /** a / b. The divisor is always a public x-coordinate difference, so a zero check is fine. */
    public static int div(int a, int b) {
        requireElements(a, b);
        if (b == 0) {
            throw new IllegalArgumentException("division by zero in GF(256)");
        }
        return mul(a, inv(b));
    }

    private static void requireElements(int a, int b) {
        if (((a | b) & ~ELEMENT_MASK) != 0) {
            throw new IllegalArgumentException("GF(256) elements must be in 0..255");
        }
    }
}
