package org.trustquorum.core.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class HkdfTest {
    /** SHA3-256 absorbs 136 bytes per block; HMAC pads its key to this size. */
    private static final int SHA3_256_BLOCK_BYTES = 136;

    private static final byte[] SALT = "some salt".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] IKM = "input keying material".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] INFO = "context".getBytes(StandardCharsets.US_ASCII);

    /** HMAC written out from its definition: H((K ^ opad) || H((K ^ ipad) || message)). */
    private static byte[] handHmac(byte[] key, byte[] message) throws Exception {
        MessageDigest sha3 = MessageDigest.getInstance("SHA3-256");
        byte[] blockKey = new byte[SHA3_256_BLOCK_BYTES];
        byte[] shortKey = key.length > SHA3_256_BLOCK_BYTES ? sha3.digest(key) : key;
        System.arraycopy(shortKey, 0, blockKey, 0, shortKey.length);
        byte[] inner = new byte[SHA3_256_BLOCK_BYTES];
        byte[] outer = new byte[SHA3_256_BLOCK_BYTES];
        for (int i = 0; i < SHA3_256_BLOCK_BYTES; i++) {
            inner[i] = (byte) (blockKey[i] ^ 0x36);
            outer[i] = (byte) (blockKey[i] ^ 0x5C);
        }
        sha3.update(inner);
        byte[] innerHash = sha3.digest(message);
        sha3.update(outer);
        return sha3.digest(innerHash);
    }

    /** HKDF extract and expand, spelled out block by block with the hand HMAC. */
    static byte[] referenceHkdf(byte[] salt, byte[] ikm, byte[] info, int length) throws Exception {
        byte[] prk = handHmac(salt, ikm);
        ByteArrayOutputStream okm = new ByteArrayOutputStream();
        byte[] previous = new byte[0];
        int counter = 1;
        while (okm.size() < length) {
            ByteArrayOutputStream input = new ByteArrayOutputStream();
            input.write(previous);
            input.write(info);
            input.write(counter++);
            previous = handHmac(prk, input.toByteArray());
            okm.write(previous);
        }
        return Arrays.copyOf(okm.toByteArray(), length);
    }

    @Test
    void handWrittenHmacAgreesWithTheJdksHmacSha3() throws Exception {
        Mac mac = Mac.getInstance("HmacSHA3-256");
        byte[] longKey = new byte[200];
        Arrays.fill(longKey, (byte) 0x42);
        for (byte[] key : new byte[][] {SALT, longKey}) {
            mac.init(new SecretKeySpec(key, "HmacSHA3-256"));
            assertArrayEquals(mac.doFinal(IKM), handHmac(key, IKM));
        }
    }

    @Test
    void outputMatchesAnIndependentReferenceComputation() throws Exception {
        for (int length : new int[] {1, 31, 32, 33, 64, 100, 1000, Hkdf.MAX_OUTPUT_BYTES}) {
            assertArrayEquals(referenceHkdf(SALT, IKM, INFO, length), Hkdf.sha3_256(SALT, IKM, INFO, length),
                    "length " + length);
        }
    }

    @Test
    void requestedLengthIsHonouredAndShorterOutputsArePrefixes() {
        byte[] longest = Hkdf.sha3_256(SALT, IKM, INFO, 100);
        for (int length : new int[] {32, 64, 100}) {
            byte[] out = Hkdf.sha3_256(SALT, IKM, INFO, length);
            assertEquals(length, out.length);
            assertArrayEquals(Arrays.copyOf(longest, length), out);
        }
    }

    @Test
    void differentSaltInfoOrKeyingMaterialGiveDifferentOutput() {
        byte[] base = Hkdf.sha3_256(SALT, IKM, INFO, 32);
        byte[] otherInfo = "context2".getBytes(StandardCharsets.US_ASCII);
        byte[] otherSalt = "some salt!".getBytes(StandardCharsets.US_ASCII);
        byte[] otherIkm = "input keying materiaL".getBytes(StandardCharsets.US_ASCII);
        assertFalse(Arrays.equals(base, Hkdf.sha3_256(SALT, IKM, otherInfo, 32)));
        assertFalse(Arrays.equals(base, Hkdf.sha3_256(otherSalt, IKM, INFO, 32)));
        assertFalse(Arrays.equals(base, Hkdf.sha3_256(SALT, otherIkm, INFO, 32)));
        assertArrayEquals(base, Hkdf.sha3_256(SALT, IKM, INFO, 32), "deterministic");
    }

    @Test
    void missingSaltMeansHashLengthZerosAndMissingInfoMeansEmpty() throws Exception {
        byte[] zeros = new byte[Hkdf.HASH_LENGTH_BYTES];
        byte[] expected = referenceHkdf(zeros, IKM, new byte[0], 48);
        assertArrayEquals(expected, Hkdf.sha3_256(null, IKM, null, 48));
        assertArrayEquals(expected, Hkdf.sha3_256(new byte[0], IKM, new byte[0], 48));
        assertArrayEquals(expected, Hkdf.sha3_256(zeros, IKM, new byte[0], 48));
    }

    @Test
    void outOfRangeLengthsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Hkdf.sha3_256(SALT, IKM, INFO, 0));
        assertThrows(IllegalArgumentException.class, () -> Hkdf.sha3_256(SALT, IKM, INFO, -1));
        assertThrows(IllegalArgumentException.class,
                () -> Hkdf.sha3_256(SALT, IKM, INFO, Hkdf.MAX_OUTPUT_BYTES + 1));
        assertThrows(IllegalArgumentException.class, () -> Hkdf.sha3_256(SALT, null, INFO, 32));
    }
}
