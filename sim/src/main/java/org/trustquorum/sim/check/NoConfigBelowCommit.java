package org.trustquorum.sim.check;

import org.trustquorum.core.model.Configuration;
import org.trustquorum.core.model.EpochShare;
import org.trustquorum.core.model.PersistentState;

/**
 * A node never takes on a configuration or share for an epoch older than its latest commit: a
 * Prepare (or anything else) for a stale epoch is dropped.
 */
public final class NoConfigBelowCommit {
    public static final String NAME = "no-config-below-commit";

    private NoConfigBelowCommit() {}

    public static void check(String node, PersistentState before, PersistentState after) {
        var committed = before.latestCommittedEpoch();
        if (committed.isNone() || after.configs().size() + after.shares().size()
                == before.configs().size() + before.shares().size()) {
            return;
        }
        for (Configuration c : after.configs()) {
            if (c.epoch().isBefore(committed) && before.config(c.epoch()).isEmpty()) {
                throw new Violation(NAME, node + " stored the configuration of epoch " + c.epoch()
                        + " after committing epoch " + committed);
            }
        }
        for (EpochShare s : after.shares()) {
            if (s.epoch().isBefore(committed) && before.share(s.epoch()).isEmpty()) {
                throw new Violation(NAME, node + " stored its share of epoch " + s.epoch() + " after committing epoch "
                        + committed);
            }
        }
    }
}
