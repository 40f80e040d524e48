package org.trustquorum.core.model;

import org.trustquorum.core.Check;

/**
 * The control plane's signature of its decision to commit one configuration (see
 * {@code ConfigAuthority#commitBytes}). A node keeps it for every epoch it commits and hands it on
 * with {@code CommitAdvance} and {@code Expunged}, so that no peer's word alone moves it forward.
 */
public record CommitProof(Epoch epoch, CpSignature signature) {
    public CommitProof {
        Check.notNull(epoch, "epoch");
        Check.notNull(signature, "signature");
    }
}
