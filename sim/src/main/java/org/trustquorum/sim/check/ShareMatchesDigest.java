package org.trustquorum.sim.check;

import java.util.Optional;
import org.trustquorum.core.crypto.Digests;
import org.trustquorum.core.model.Configuration;
import org.trustquorum.core.model.EpochShare;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.PersistentState;

/** Every share a node persists sits at its own x and matches the digest its configuration records for it. */
public final class ShareMatchesDigest {
    public static final String NAME = "share-matches-digest";

    private ShareMatchesDigest() {}

    private static boolean heldBefore(PersistentState previous, EpochShare s) {
        for (EpochShare p : previous.shares()) {
            if (p == s) {
                return true;
            }
        }
        return false;
    }

    /** Checks the shares of {@code state} that {@code previous} did not hold (same object). */
    public static void check(NodeId me, PersistentState state, PersistentState previous) {
        for (EpochShare s : state.shares()) {
            if (heldBefore(previous, s)) {
                continue;
            }
            Optional<Configuration> config = state.config(s.epoch());
            if (config.isEmpty()) {
                throw new Violation(NAME, me + " persisted a share of epoch " + s.epoch() + " without its configuration");
            }
            Configuration c = config.get();
            if (!c.isMember(me) || s.share().x() != c.xOf(me)
                    || !c.digestOf(me).orElseThrow().equals(Digests.shareDigest(s.share()))) {
                throw new Violation(NAME, me + " persisted a share of epoch " + s.epoch()
                        + " that does not match the digest (or x) its configuration records");
            }
        }
    }
}
