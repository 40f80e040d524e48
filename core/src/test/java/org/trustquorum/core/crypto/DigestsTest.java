package org.trustquorum.core.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.trustquorum.core.model.KeyShare;
import org.trustquorum.core.model.Sha3Digest;

class DigestsTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void sha3MatchesPublishedDigestsOfEmptyAndAbc() {
        assertEquals("a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a",
                HEX.formatHex(Digests.sha3()));
        assertEquals("3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532",
                HEX.formatHex(Digests.sha3("abc".getBytes(StandardCharsets.US_ASCII))));
    }

    @Test
    void sha3OfPartsIsSha3OfTheirConcatenation() {
        byte[] whole = "trust quorum".getBytes(StandardCharsets.US_ASCII);
        byte[] left = "trust ".getBytes(StandardCharsets.US_ASCII);
        byte[] right = "quorum".getBytes(StandardCharsets.US_ASCII);
        assertArrayEquals(Digests.sha3(whole), Digests.sha3(left, new byte[0], right));
    }

    @Test
    void shareDigestCoversTheXByteThenTheYBytes() {
        byte[] y = new byte[KeyShare.SECRET_LENGTH_BYTES];
        for (int i = 0; i < y.length; i++) {
            y[i] = (byte) (0xA0 + i);
        }
        for (int x : new int[] {1, 17, 255}) {
            Sha3Digest digest = Digests.shareDigest(new KeyShare(x, y));
            assertEquals(new Sha3Digest(Digests.sha3(new byte[] {(byte) x}, y)), digest);
        }
        assertNotEquals(Digests.shareDigest(new KeyShare(1, y)), Digests.shareDigest(new KeyShare(2, y)));
    }
}
