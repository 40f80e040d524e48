package org.trustquorum.sim;

import java.util.SplittableRandom;

/**
 * Derives independent random streams from the one 64-bit seed of a run. Each purpose (scenario,
 * network, each node's engine in each of its lives, the control plane, each schedule entry) gets its
 * own stream, so removing a schedule entry while shrinking does not shift the draws of another
 * purpose.
 */
public final class Streams {
    public static final long SCENARIO = 0x5CE7A210L;
    public static final long NETWORK = 0x7E7B0A4DL;
    public static final long NODE = 0x70DE0000L;
    public static final long CONTROL_PLANE = 0xC0A7201L;
    public static final long ENTRY = 0xE7724L;
    public static final long RACK = 0x7ACC1DL;
    /** The control plane's signing key pair (one per run). */
    public static final long CP_KEY = 0xC0A7B3E7L;
    /** The hostile certificate holders' choices and forgeries. */
    public static final long HOSTILE = 0x4057113EL;

    private Streams() {}

    /** The SplitMix64 finalizer: a bijective 64-bit mix with good avalanche. */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A seed for one purpose and up to two indices (node, life, entry number ...). */
    public static long derive(long seed, long purpose, long a, long b) {
        long h = mix(seed + 0x9E3779B97F4A7C15L * (purpose + 1));
        h = mix(h ^ (a * 0xD6E8FEB86659FD93L + 0x632BE59BD9B4E019L));
        return mix(h ^ (b * 0xA0761D6478BD642FL + 0xE7037ED1A0B428DBL));
    }

    public static SplittableRandom stream(long seed, long purpose, long a, long b) {
        return new SplittableRandom(derive(seed, purpose, a, b));
    }

    public static SplittableRandom stream(long seed, long purpose) {
        return stream(seed, purpose, 0, 0);
    }
}
