package org.trustquorum.sim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.trustquorum.core.crypto.CryptoException;
import org.trustquorum.core.crypto.RackSecret;
import org.trustquorum.core.model.Configuration;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.KeyShare;
import org.trustquorum.core.model.PersistentState;
import org.trustquorum.sim.check.SecretMatchesOracle;
import org.trustquorum.sim.check.Violation;

/**
 * The simulator's knowledge of each epoch's rack secret: rebuilt once from K shares found in the
 * nodes' durable states (in node order). Every persisted share is separately checked against its
 * configuration's digest, so any K of them rebuild the same secret.
 */
final class SecretOracle {
    private final Map<Epoch, byte[]> secrets = new HashMap<>();

    /** The secret of {@code epoch}, or null while fewer than K durable shares exist. */
    byte[] secretFor(Epoch epoch, SimNode[] nodes) {
        byte[] known = secrets.get(epoch);
        if (known != null) {
            return known;
        }
        Configuration config = null;
        List<KeyShare> shares = new ArrayList<>();
        for (SimNode n : nodes) {
            PersistentState s = n.ledger.durable();
            Optional<KeyShare> share = s.share(epoch);
            Optional<Configuration> c = s.config(epoch);
            if (share.isEmpty() || c.isEmpty()) {
                continue;
            }
            if (config == null) {
                config = c.get();
            }
            if (shares.size() < config.threshold().value()) {
                shares.add(share.get());
            }
        }
        if (config == null || shares.size() < config.threshold().value()) {
            return null;
        }
        try (RackSecret secret = RackSecret.reconstruct(shares)) {
            byte[] bytes = secret.copyBytes();
            secrets.put(epoch, bytes);
            return bytes;
        } catch (CryptoException e) {
            throw new Violation(SecretMatchesOracle.NAME, "K durable shares of epoch " + epoch
                    + " do not rebuild a secret: " + e.getMessage());
        }
    }
}
