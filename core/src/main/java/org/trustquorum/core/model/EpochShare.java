package org.trustquorum.core.model;

import org.trustquorum.core.Check;

/** A node's own key share for one epoch. */
public record EpochShare(Epoch epoch, KeyShare share) {
    public EpochShare {
        Check.notNull(epoch, "epoch");
        Check.notNull(share, "share");
    }
}
