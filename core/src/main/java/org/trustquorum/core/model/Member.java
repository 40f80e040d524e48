package org.trustquorum.core.model;

import org.trustquorum.core.Check;

/** A member of a configuration and the digest of the key share dealt to it. */
public record Member(NodeId id, Sha3Digest shareDigest) {
    public Member {
        Check.notNull(id, "member id");
        Check.notNull(shareDigest, "share digest");
    }
}
