package org.trustquorum.sim.check;

import java.security.MessageDigest;
import org.trustquorum.core.model.Epoch;

/** Every rack secret a node loads equals the one rebuilt by the simulator from K durable shares. */
public final class SecretMatchesOracle {
    public static final String NAME = "secret-matches-oracle";

    private SecretMatchesOracle() {}

    public static void check(String node, Epoch epoch, byte[] loaded, byte[] oracle) {
        if (!MessageDigest.isEqual(loaded, oracle)) {
            throw new Violation(NAME, node + " loaded a rack secret for epoch " + epoch
                    + " that differs from the one K durable shares rebuild");
        }
    }
}
