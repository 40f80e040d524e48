package org.trustquorum.core.model;

import java.util.Arrays;
import org.trustquorum.core.Check;

/**
 * One Shamir share of a rack secret: the x-coordinate (1..255) and 32 y bytes. Secret material:
 * {@link #toString()} never shows the bytes, and holders call {@link #wipe()} when done.
 */
public record KeyShare(int x, byte[] y) {
    public static final int SECRET_LENGTH_BYTES = 32;

    public KeyShare {
        Check.argument(x >= 1 && x <= 255, "share x-coordinate must be in 1..255, got %d", x);
        Check.notNull(y, "share bytes");
        Check.argument(y.length == SECRET_LENGTH_BYTES, "a share has %d y bytes, got %d", SECRET_LENGTH_BYTES, y.length);
        y = y.clone();
    }

    /** A copy of the y bytes; the caller wipes it. */
    @Override
    public byte[] y() {
        return y.clone();
    }

    /** Reads one y byte without copying. */
    public int yAt(int index) {
        return y[index] & 0xFF;
    }

    /** An independent copy (wiping one does not affect the other). */
    public KeyShare copy() {
        return new KeyShare(x, y);
    }

    /** Overwrites this share's bytes with zeros. */
    public void wipe() {
        Arrays.fill(y, (byte) 0);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyShare other && x == other.x && java.security.MessageDigest.isEqual(y, other.y);
    }

    @Override
    public int hashCode() {
        return x;
    }

    @Override
    public String toString() {
        return "KeyShare[x=" + x + ", y=<redacted>]";
    }
}
