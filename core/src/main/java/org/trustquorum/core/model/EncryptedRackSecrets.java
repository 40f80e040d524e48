package org.trustquorum.core.model;

import java.util.Arrays;
import org.trustquorum.core.Check;

/** The rack secrets of earlier committed epochs, encrypted under a key derived from the new one. */
public record EncryptedRackSecrets(byte[] salt, byte[] ciphertext) {
    public static final int SALT_LENGTH_BYTES = 32;
    /** Most earlier epochs one configuration carries (40 bytes each): keeps a Prepare well inside a frame. */
    public static final int MAX_EARLIER_EPOCHS = 4_096;
    /** Bound on the ciphertext: the records plus the 16-byte authentication tag. */
    public static final int MAX_CIPHERTEXT_BYTES = MAX_EARLIER_EPOCHS * 40 + 16;

    public EncryptedRackSecrets {
        Check.notNull(salt, "salt");
        Check.notNull(ciphertext, "ciphertext");
        Check.argument(salt.length == SALT_LENGTH_BYTES, "salt must have %d bytes, got %d", SALT_LENGTH_BYTES, salt.length);
        Check.argument(ciphertext.length <= MAX_CIPHERTEXT_BYTES, "ciphertext too large: %d bytes", ciphertext.length);
        salt = salt.clone();
        ciphertext = ciphertext.clone();
    }

    @Override
    public byte[] salt() {
        return salt.clone();
    }

    @Override
    public byte[] ciphertext() {
        return ciphertext.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EncryptedRackSecrets other && Arrays.equals(salt, other.salt)
                && Arrays.equals(ciphertext, other.ciphertext);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(salt) + Arrays.hashCode(ciphertext);
    }

    @Override
    public String toString() {
        return "EncryptedRackSecrets[" + ciphertext.length + " bytes]";
    }
}
