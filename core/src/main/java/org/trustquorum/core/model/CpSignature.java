package org.trustquorum.core.model;

import java.util.Arrays;
import java.util.HexFormat;
import org.trustquorum.core.Check;

/** An Ed25519 signature made by the control plane's key (64 bytes). Not secret. */
public record CpSignature(byte[] bytes) {
    public static final int LENGTH_BYTES = 64;

    public CpSignature {
        Check.notNull(bytes, "signature");
        Check.argument(bytes.length == LENGTH_BYTES, "an Ed25519 signature has %d bytes, got %d", LENGTH_BYTES,
                bytes.length);
        bytes = bytes.clone();
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CpSignature other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "sig:" + HexFormat.of().formatHex(bytes, 0, 8);
    }
}
