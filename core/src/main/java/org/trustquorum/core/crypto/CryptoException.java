package org.trustquorum.core.crypto;

/**
 * A cryptographic operation could not be completed on the data it was given: shares that do not
 * interpolate, ciphertext that fails authentication, decrypted contents that are malformed. The
 * message names the cause; it never contains secret bytes.
 */
public final class CryptoException extends Exception {
    private static final long serialVersionUID = 1L;

    public CryptoException(String message) {
        super(message);
    }

    public CryptoException(String message, Throwable cause) {
        super(message, cause);
    }
}
