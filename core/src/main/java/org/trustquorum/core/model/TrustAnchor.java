package org.trustquorum.core.model;

import java.util.Arrays;
import java.util.Base64;
import org.trustquorum.core.Check;

/**
 * The control plane's public key as a node keeps it in its ledger: the X.509 (SubjectPublicKeyInfo)
 * encoding of an Ed25519 key. Learned once, when the node is initialised; from then on the ledger's
 * copy is the one the node trusts. Not secret.
 */
public record TrustAnchor(byte[] encoded) {
    /** An Ed25519 SubjectPublicKeyInfo is 44 bytes; anything far larger is not a key. */
    public static final int MAX_ENCODED_BYTES = 128;

    public TrustAnchor {
        Check.notNull(encoded, "encoded key");
        Check.argument(encoded.length > 0 && encoded.length <= MAX_ENCODED_BYTES, "a control-plane key has 1..%d bytes",
                MAX_ENCODED_BYTES);
        encoded = encoded.clone();
    }

    @Override
    public byte[] encoded() {
        return encoded.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrustAnchor other && Arrays.equals(encoded, other.encoded);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encoded);
    }

    @Override
    public String toString() {
        return "TrustAnchor[" + Base64.getEncoder().encodeToString(encoded) + "]";
    }
}
