package org.trustquorum.core.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPair;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.trustquorum.core.model.CpSignature;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.RackId;
import org.trustquorum.core.model.Threshold;

/** The control plane's key remembers what it signed, and what it remembers is exactly a fresh signature. */
class ControlPlaneKeyTest {
    private static final RackId RACK = RackId.parse("3f2e1d0c-4b5a-4968-8776-655443322110");
    private static final NodeId A = new NodeId("913-0000019", "sled-01");
    private static final NodeId B = new NodeId("913-0000019", "sled-02");
    private static final List<NodeId> MEMBERS = List.of(A, B);

    private static CpSignature request(ControlPlaneKey key, long epoch) {
        return key.signRequest(RACK, Epoch.of(epoch), A, MEMBERS, Threshold.of(2));
    }

    @Test
    void aRetriedRequestIsSignedOnceAndItsSignatureIsTheOneSigningAgainGives() {
        KeyPair pair = ControlPlaneKey.generatePair(new SplittableRandom(7));
        ControlPlaneKey key = ControlPlaneKey.of(pair);
        CpSignature first = request(key, 3);
        CpSignature again = request(key, 3);
        assertEquals(first, again);
        assertEquals(1, key.signaturesMade(), "the retry reused the signature");
        assertEquals(first, request(ControlPlaneKey.of(pair), 3), "a key with no memory signs the same bytes");
        assertTrue(key.authority().checkRequest(RACK, Epoch.of(3), A, MEMBERS, Threshold.of(2), again).isEmpty());
        assertNotEquals(first, request(key, 4), "another statement gets its own signature");
        assertEquals(2, key.signaturesMade());
    }

    @Test
    void theMemoryIsBounded() {
        ControlPlaneKey key = ControlPlaneKey.generate(new SplittableRandom(8));
        CpSignature oldest = request(key, 1);
        for (long e = 2; e <= ControlPlaneKey.SIGNED_CACHE_ENTRIES + 1; e++) {
            request(key, e);
        }
        int made = key.signaturesMade();
        assertEquals(ControlPlaneKey.SIGNED_CACHE_ENTRIES + 1, made);
        assertEquals(oldest, request(key, 1), "forgotten, signed again, same bytes");
        assertEquals(made + 1, key.signaturesMade(), "the least recently used statement was forgotten");
    }
}
