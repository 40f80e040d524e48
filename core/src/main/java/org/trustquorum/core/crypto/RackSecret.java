package org.trustquorum.core.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.random.RandomGenerator;
import org.trustquorum.core.Check;
import org.trustquorum.core.model.KeyShare;

/**
 * The rack secret: 32 random bytes, never all zero. It is secret material, so {@link #toString()}
 * shows only a fingerprint, equality is identity (a secret is never a map key by content), and
 * {@link #close()} zeroes the bytes, after which any use throws {@link IllegalStateException}.
 * Not thread-safe.
 */
public final class RackSecret implements AutoCloseable {
    public static final int LENGTH_BYTES = 32;
    /** Domain separation for {@link #fingerprint()}. */
    public static final String FINGERPRINT_PREFIX = "trust-quorum-v1-fingerprint";
    public static final int FINGERPRINT_HEX_CHARS = 16;
    /**
     * Bound on redraws in {@link #generate}: an honest generator returns 32 zero bytes with
     * probability 2^-256, so reaching this many means the generator is broken.
     */
    static final int MAX_GENERATE_DRAWS = 16;

    private static final byte[] FINGERPRINT_PREFIX_BYTES = FINGERPRINT_PREFIX.getBytes(StandardCharsets.US_ASCII);

    private final byte[] bytes;
    private boolean closed;

    /** Takes a copy of {@code source}, which must already be validated. */
    private RackSecret(byte[] source) {
        this.bytes = source.clone();
    }

    public static RackSecret generate(RandomGenerator rng) {
        Check.notNull(rng, "random generator");
        byte[] candidate = new byte[LENGTH_BYTES];
        try {
            for (int draw = 0; draw < MAX_GENERATE_DRAWS; draw++) {
                rng.nextBytes(candidate);
                if (!isAllZero(candidate)) {
                    return new RackSecret(candidate);
                }
            }
        } finally {
            Arrays.fill(candidate, (byte) 0);
        }
        throw new IllegalStateException("random generator returned all-zero secrets " + MAX_GENERATE_DRAWS + " times");
    }

    /** A rack secret holding a copy of {@code bytes}; the caller still owns (and zeroes) its array. */
    public static RackSecret fromBytes(byte[] bytes) {
        Check.notNull(bytes, "rack secret bytes");
        Check.argument(bytes.length == LENGTH_BYTES, "a rack secret has %d bytes, got %d", LENGTH_BYTES, bytes.length);
        Check.argument(!isAllZero(bytes), "a rack secret must not be all zero");
        return new RackSecret(bytes);
    }

    /** A copy of the secret bytes; the caller zeroes it. */
    public byte[] copyBytes() {
        requireOpen();
        return bytes.clone();
    }

    /** Copies the secret into {@code destination} at {@code offset}, for building buffers in place. */
    void copyInto(byte[] destination, int offset) {
        requireOpen();
        System.arraycopy(bytes, 0, destination, offset, LENGTH_BYTES);
    }

    public List<KeyShare> split(int threshold, int n, RandomGenerator rng) {
        requireOpen();
        return Shamir.split(bytes, threshold, n, rng);
    }

    /** Reconstructs the secret from shares; an all-zero result means the shares were bad. */
    public static RackSecret reconstruct(List<KeyShare> shares) throws CryptoException {
        byte[] raw = Shamir.reconstruct(shares);
        try {
            if (isAllZero(raw)) {
                throw new CryptoException("reconstructed rack secret is all zero");
            }
            return new RackSecret(raw);
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    /** A short identifier safe to show and log: 16 hex chars of a domain-separated SHA3-256. */
    public String fingerprint() {
        requireOpen();
        byte[] digest = Digests.sha3(FINGERPRINT_PREFIX_BYTES, bytes);
        return HexFormat.of().formatHex(digest).substring(0, FINGERPRINT_HEX_CHARS);
    }

    /** Whether both hold the same bytes, compared in constant time. */
    public boolean sameSecretAs(RackSecret other) {
        Check.notNull(other, "other rack secret");
        requireOpen();
        other.requireOpen();
        return MessageDigest.isEqual(bytes, other.bytes);
    }

    @Override
    public void close() {
        Arrays.fill(bytes, (byte) 0);
        closed = true;
    }

    public boolean isClosed() {
        return closed;
    }

    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }

    @Override
    public String toString() {
        return closed ? "RackSecret[closed]" : "RackSecret[fingerprint=" + fingerprint() + "]";
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("rack secret used after close()");
        }
    }

    /** Constant-time all-zero test: accumulates every byte before deciding. */
    static boolean isAllZero(byte[] data) {
        int accumulated = 0;
        for (byte b : data) {
            accumulated |= b;
        }
        return accumulated == 0;
    }
}
