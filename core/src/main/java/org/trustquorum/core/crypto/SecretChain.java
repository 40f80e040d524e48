package org.trustquorum.core.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.random.RandomGenerator;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.trustquorum.core.Check;
import org.trustquorum.core.model.EncryptedRackSecrets;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.RackId;

/**
 * The rack secrets of earlier epochs, carried encrypted inside a new configuration so that members
 * of the new configuration can recover data protected under older secrets.
 *
 * <p>Format: key = HKDF-SHA3-256(salt = 32 fresh random bytes, ikm = new rack secret,
 * info = {@value #INFO_PREFIX} || rack id (16 bytes) || new epoch (8 bytes big-endian)), 32 bytes.
 * The plaintext is a run of {@value #RECORD_LENGTH_BYTES}-byte records (8-byte big-endian epoch,
 * then the 32-byte secret) in strictly ascending epoch order, sealed with ChaCha20-Poly1305 under
 * an all-zero nonce and no associated data. The zero nonce is safe because every encryption draws a
 * fresh salt and therefore uses a fresh key; the key is bound to the rack and epoch through info.
 */
public final class SecretChain {
    public static final String INFO_PREFIX = "trust-quorum-v1-rack-secrets";
    public static final int EPOCH_LENGTH_BYTES = Long.BYTES;
    public static final int RECORD_LENGTH_BYTES = EPOCH_LENGTH_BYTES + RackSecret.LENGTH_BYTES;
    public static final int KEY_LENGTH_BYTES = 32;
    public static final int NONCE_LENGTH_BYTES = 12;
    public static final int TAG_LENGTH_BYTES = 16;
    public static final int RACK_ID_LENGTH_BYTES = 16;
    /** The most records that fit in {@link EncryptedRackSecrets#MAX_CIPHERTEXT_BYTES}. */
    public static final int MAX_RECORDS = (EncryptedRackSecrets.MAX_CIPHERTEXT_BYTES - TAG_LENGTH_BYTES) / RECORD_LENGTH_BYTES;

    static final String CIPHER_ALGORITHM = "ChaCha20-Poly1305";
    static final String KEY_ALGORITHM = "ChaCha20";

    private static final byte[] INFO_PREFIX_BYTES = INFO_PREFIX.getBytes(StandardCharsets.US_ASCII);

    private SecretChain() {}

    /**
     * Encrypts {@code earlier} (every epoch strictly between {@link Epoch#NONE} and
     * {@code newEpoch}) under a key derived from {@code newSecret}. Draws exactly the 32 salt
     * bytes from {@code rng}.
     */
    public static EncryptedRackSecrets encrypt(RackSecret newSecret, RackId rackId, Epoch newEpoch,
            SortedMap<Epoch, RackSecret> earlier, RandomGenerator rng) throws CryptoException {
        Check.notNull(newSecret, "new rack secret");
        Check.notNull(rackId, "rack id");
        Check.notNull(newEpoch, "new epoch");
        Check.notNull(earlier, "earlier rack secrets");
        Check.notNull(rng, "random generator");
        Check.argument(!newEpoch.isNone(), "the new epoch must not be 0");
        Check.argument(earlier.size() <= MAX_RECORDS, "at most %d earlier secrets fit, got %d", MAX_RECORDS, earlier.size());

        byte[] plaintext = new byte[earlier.size() * RECORD_LENGTH_BYTES];
        byte[] key = null;
        try {
            int offset = 0;
            Epoch previous = Epoch.NONE;
            for (Map.Entry<Epoch, RackSecret> entry : earlier.entrySet()) {
                Epoch epoch = Check.notNull(entry.getKey(), "earlier epoch");
                RackSecret secret = Check.notNull(entry.getValue(), "earlier rack secret");
                Check.argument(epoch.isAfter(previous), "earlier epochs must be ascending and nonzero, got %s after %s", epoch, previous);
                Check.argument(epoch.isBefore(newEpoch), "earlier epoch %s is not before new epoch %s", epoch, newEpoch);
                putEpoch(plaintext, offset, epoch);
                secret.copyInto(plaintext, offset + EPOCH_LENGTH_BYTES);
                offset += RECORD_LENGTH_BYTES;
                previous = epoch;
            }

            byte[] salt = new byte[EncryptedRackSecrets.SALT_LENGTH_BYTES];
            rng.nextBytes(salt);
            key = deriveKey(newSecret, rackId, newEpoch, salt);
            byte[] ciphertext = newCipher(Cipher.ENCRYPT_MODE, key).doFinal(plaintext);
            return new EncryptedRackSecrets(salt, ciphertext);
        } catch (GeneralSecurityException e) {
            throw new CryptoException("encrypting earlier rack secrets failed: " + e.getClass().getSimpleName(), e);
        } finally {
            Arrays.fill(plaintext, (byte) 0);
            if (key != null) {
                Arrays.fill(key, (byte) 0);
            }
        }
    }

    /**
     * Decrypts and checks the chain. The result is a new map the caller owns; the caller closes
     * every {@link RackSecret} in it.
     */
    public static SortedMap<Epoch, RackSecret> decrypt(RackSecret newSecret, RackId rackId, Epoch newEpoch,
            EncryptedRackSecrets encrypted) throws CryptoException {
        Check.notNull(newSecret, "new rack secret");
        Check.notNull(rackId, "rack id");
        Check.notNull(newEpoch, "new epoch");
        Check.notNull(encrypted, "encrypted rack secrets");

        byte[] salt = encrypted.salt();
        byte[] key = deriveKey(newSecret, rackId, newEpoch, salt);
        byte[] plaintext = null;
        try {
            try {
                plaintext = newCipher(Cipher.DECRYPT_MODE, key).doFinal(encrypted.ciphertext());
            } catch (AEADBadTagException e) {
                throw new CryptoException(
                        "earlier rack secrets failed authentication (wrong secret, rack id or epoch, or tampered data)", e);
            } catch (GeneralSecurityException e) {
                throw new CryptoException("decrypting earlier rack secrets failed: " + e.getClass().getSimpleName(), e);
            }
            return parse(plaintext, newEpoch);
        } finally {
            Arrays.fill(key, (byte) 0);
            if (plaintext != null) {
                Arrays.fill(plaintext, (byte) 0);
            }
        }
    }

    private static SortedMap<Epoch, RackSecret> parse(byte[] plaintext, Epoch newEpoch) throws CryptoException {
        if (plaintext.length % RECORD_LENGTH_BYTES != 0) {
            throw new CryptoException("decrypted rack secrets are " + plaintext.length
                    + " bytes, not a multiple of the " + RECORD_LENGTH_BYTES + "-byte record length");
        }
        TreeMap<Epoch, RackSecret> result = new TreeMap<>();
        byte[] secretBytes = new byte[RackSecret.LENGTH_BYTES];
        boolean complete = false;
        try {
            Epoch previous = Epoch.NONE;
            for (int offset = 0; offset < plaintext.length; offset += RECORD_LENGTH_BYTES) {
                Epoch epoch = Epoch.of(ByteBuffer.wrap(plaintext, offset, EPOCH_LENGTH_BYTES).getLong());
                if (!epoch.isAfter(previous)) {
                    throw new CryptoException("decrypted rack secret epochs are not strictly ascending: "
                            + epoch + " after " + previous);
                }
                if (!epoch.isBefore(newEpoch)) {
                    throw new CryptoException("decrypted rack secret epoch " + epoch
                            + " is not before the new epoch " + newEpoch);
                }
                System.arraycopy(plaintext, offset + EPOCH_LENGTH_BYTES, secretBytes, 0, RackSecret.LENGTH_BYTES);
                if (RackSecret.isAllZero(secretBytes)) {
                    throw new CryptoException("decrypted rack secret for epoch " + epoch + " is all zero");
                }
                result.put(epoch, RackSecret.fromBytes(secretBytes));
                previous = epoch;
            }
            complete = true;
            return result;
        } finally {
            Arrays.fill(secretBytes, (byte) 0);
            if (!complete) {
                result.values().forEach(RackSecret::close);
            }
        }
    }

    /** HKDF-SHA3-256 key for one (secret, rack, epoch, salt); the caller zeroes it. */
    static byte[] deriveKey(RackSecret newSecret, RackId rackId, Epoch newEpoch, byte[] salt) {
        byte[] info = new byte[INFO_PREFIX_BYTES.length + RACK_ID_LENGTH_BYTES + EPOCH_LENGTH_BYTES];
        System.arraycopy(INFO_PREFIX_BYTES, 0, info, 0, INFO_PREFIX_BYTES.length);
        byte[] rackBytes = rackId.toBytes();
        Check.state(rackBytes.length == RACK_ID_LENGTH_BYTES, "rack id must serialize to 16 bytes");
        System.arraycopy(rackBytes, 0, info, INFO_PREFIX_BYTES.length, RACK_ID_LENGTH_BYTES);
        putEpoch(info, INFO_PREFIX_BYTES.length + RACK_ID_LENGTH_BYTES, newEpoch);

        byte[] ikm = newSecret.copyBytes();
        try {
            return Hkdf.sha3_256(salt, ikm, info, KEY_LENGTH_BYTES);
        } finally {
            Arrays.fill(ikm, (byte) 0);
        }
    }

    private static Cipher newCipher(int mode, byte[] key) throws GeneralSecurityException {
        // A new Cipher per call: the JDK refuses to encrypt twice with one key and nonce on the
        // same instance, and each call here has its own key anyway.
        Cipher cipher = Cipher.getInstance(CIPHER_ALGORITHM);
        cipher.init(mode, new SecretKeySpec(key, KEY_ALGORITHM), new IvParameterSpec(new byte[NONCE_LENGTH_BYTES]));
        return cipher;
    }

    private static void putEpoch(byte[] destination, int offset, Epoch epoch) {
        ByteBuffer.wrap(destination, offset, EPOCH_LENGTH_BYTES).putLong(epoch.value());
    }
}
