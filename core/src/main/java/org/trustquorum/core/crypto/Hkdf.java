package org.trustquorum.core.crypto;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.trustquorum.core.Check;

/**
 * HKDF (RFC 5869) instantiated with HMAC-SHA3-256: an extract step turning (salt, ikm) into a
 * pseudorandom key, then an expand step stretching it, bound to {@code info}, to the wanted length.
 *
 * <p>Temporaries this class allocates (the pseudorandom key and each block) are zeroed before it
 * returns. The JCE's {@link SecretKeySpec} and {@link Mac} keep private copies of keys that cannot
 * be wiped from outside; that is a known limit of the JDK API.
 */
public final class Hkdf {
    public static final String HMAC_ALGORITHM = "HmacSHA3-256";
    /** Output size of HMAC-SHA3-256. */
    public static final int HASH_LENGTH_BYTES = 32;
    /** RFC 5869 limits the output to 255 blocks. */
    public static final int MAX_OUTPUT_BYTES = 255 * HASH_LENGTH_BYTES;

    private Hkdf() {}

    /**
     * Derives {@code lengthBytes} bytes. A null or empty salt stands for {@link #HASH_LENGTH_BYTES}
     * zero bytes, as RFC 5869 specifies; a null info is empty. The caller zeroes the result.
     */
    public static byte[] sha3_256(byte[] salt, byte[] ikm, byte[] info, int lengthBytes) {
        Check.notNull(ikm, "input keying material");
        Check.argument(lengthBytes >= 1 && lengthBytes <= MAX_OUTPUT_BYTES,
                "HKDF output length must be in 1..%d bytes, got %d", MAX_OUTPUT_BYTES, lengthBytes);
        byte[] effectiveSalt = (salt == null || salt.length == 0) ? new byte[HASH_LENGTH_BYTES] : salt;
        byte[] effectiveInfo = info == null ? new byte[0] : info;

        byte[] prk = null;
        byte[] block = new byte[0];
        byte[] output = new byte[lengthBytes];
        try {
            Mac mac = Mac.getInstance(HMAC_ALGORITHM);

            // Extract: PRK = HMAC(salt, ikm).
            mac.init(new SecretKeySpec(effectiveSalt, HMAC_ALGORITHM));
            prk = mac.doFinal(ikm);

            // Expand: T(i) = HMAC(PRK, T(i-1) || info || i), output = T(1) || T(2) || ... truncated.
            mac.init(new SecretKeySpec(prk, HMAC_ALGORITHM));
            int written = 0;
            for (int counter = 1; written < lengthBytes; counter++) {
                mac.update(block);
                mac.update(effectiveInfo);
                mac.update((byte) counter);
                byte[] next = mac.doFinal();
                Arrays.fill(block, (byte) 0);
                block = next;
                int take = Math.min(HASH_LENGTH_BYTES, lengthBytes - written);
                System.arraycopy(block, 0, output, written, take);
                written += take;
            }
            return output;
        } catch (GeneralSecurityException e) {
            Arrays.fill(output, (byte) 0);
            throw new IllegalStateException("the JDK provides no usable " + HMAC_ALGORITHM, e);
        } finally {
            if (prk != null) {
                Arrays.fill(prk, (byte) 0);
            }
            Arrays.fill(block, (byte) 0);
        }
    }
}
