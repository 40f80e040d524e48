package org.trustquorum.core.model;

import java.util.Arrays;
import java.util.HexFormat;
import org.trustquorum.core.Check;

/** A SHA3-256 digest (32 bytes). Not secret. */
public record Sha3Digest(byte[] bytes) {
    public static final int LENGTH_BYTES = 32;

    public Sha3Digest {
        Check.notNull(bytes, "digest");
        Check.argument(bytes.length == LENGTH_BYTES, "a SHA3-256 digest has %d bytes, got %d", LENGTH_BYTES, bytes.length);
        bytes = bytes.clone();
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    public String hex() {
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Sha3Digest other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return hex().substring(0, 16);
    }
}
