package org.trustquorum.core.model;

import java.util.UUID;
import java.util.random.RandomGenerator;

/** The rack's id, a UUID kept as two longs so it serializes the same everywhere. */
public record RackId(long mostSignificant, long leastSignificant) {
    public static RackId of(UUID uuid) {
        return new RackId(uuid.getMostSignificantBits(), uuid.getLeastSignificantBits());
    }

    public static RackId parse(String text) {
        return of(UUID.fromString(text));
    }

    /** A random (version 4) rack id drawn from the given generator. */
    public static RackId random(RandomGenerator rng) {
        long msb = (rng.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (rng.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new RackId(msb, lsb);
    }

    public UUID uuid() {
        return new UUID(mostSignificant, leastSignificant);
    }

    /** The 16 bytes of the UUID, big-endian, as used in key derivation. */
    public byte[] toBytes() {
        byte[] out = new byte[16];
        for (int i = 0; i < 8; i++) {
            out[i] = (byte) (mostSignificant >>> (56 - 8 * i));
            out[8 + i] = (byte) (leastSignificant >>> (56 - 8 * i));
        }
        return out;
    }

    @Override
    public String toString() {
        return uuid().toString();
    }
}
