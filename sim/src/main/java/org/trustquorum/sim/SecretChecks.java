package org.trustquorum.sim;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.sim.check.SecretMatchesOracle;

/**
 * Checks the rack secrets nodes load against the {@link SecretOracle}. A secret the oracle cannot
 * tell yet (it has not seen enough shares) is checked at the end of the run instead.
 */
final class SecretChecks {
    /** A loaded secret whose check waits for the end of the run. */
    private record Deferred(String node, Epoch epoch, byte[] bytes) {}

    private final SecretOracle oracle = new SecretOracle();
    private final List<Deferred> deferred = new ArrayList<>();
    private final SimNode[] nodes;
    private final EnumMap<Stat, Long> stats;

    SecretChecks(SimNode[] nodes, EnumMap<Stat, Long> stats) {
        this.nodes = nodes;
        this.stats = stats;
    }

    /** True if checked now; false if deferred to {@link #checkDeferred}. */
    boolean verify(SimNode n, Epoch epoch, byte[] bytes) {
        byte[] expected = oracle.secretFor(epoch, nodes);
        if (expected == null) {
            deferred.add(new Deferred(n.name, epoch, bytes));
            return false;
        }
        SecretMatchesOracle.check(n.name, epoch, bytes, expected);
        stats.merge(Stat.SECRETS_VERIFIED, 1L, Long::sum);
        return true;
    }

    void checkDeferred() {
        for (Deferred d : deferred) {
            byte[] expected = oracle.secretFor(d.epoch(), nodes);
            if (expected != null) {
                SecretMatchesOracle.check(d.node(), d.epoch(), d.bytes(), expected);
            }
        }
    }
}
