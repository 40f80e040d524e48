package org.trustquorum.core.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.trustquorum.core.Check;
import org.trustquorum.core.model.KeyShare;
import org.trustquorum.core.model.Sha3Digest;

/** SHA3-256 helpers. */
public final class Digests {
    static final String SHA3_256 = "SHA3-256";

    private Digests() {}

    /** The digest that a configuration records for a member's share: SHA3-256(x byte || y). */
    public static Sha3Digest shareDigest(KeyShare share) {
        Check.notNull(share, "share");
        MessageDigest digest = newSha3();
        digest.update((byte) share.x());
        for (int i = 0; i < KeyShare.SECRET_LENGTH_BYTES; i++) {
            digest.update((byte) share.yAt(i));
        }
        return new Sha3Digest(digest.digest());
    }

    /** SHA3-256 of the concatenation of the parts. */
    public static byte[] sha3(byte[]... parts) {
        Check.notNull(parts, "parts");
        MessageDigest digest = newSha3();
        for (byte[] part : parts) {
            digest.update(Check.notNull(part, "digest input part"));
        }
        return digest.digest();
    }

    static MessageDigest newSha3() {
        try {
            return MessageDigest.getInstance(SHA3_256);
        } catch (NoSuchAlgorithmException e) {
            // Every JDK since 9 ships SHA3-256; reaching this means a broken runtime.
            throw new IllegalStateException("the JDK provides no " + SHA3_256, e);
        }
    }
}
