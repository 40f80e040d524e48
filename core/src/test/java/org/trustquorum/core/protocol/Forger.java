package org.trustquorum.core.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.trustquorum.core.auth.ControlPlaneKey;
import org.trustquorum.core.crypto.Digests;
import org.trustquorum.core.crypto.RackSecret;
import org.trustquorum.core.model.Configuration;
import org.trustquorum.core.model.CpSignature;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.KeyShare;
import org.trustquorum.core.model.Member;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.RackId;
import org.trustquorum.core.model.Threshold;
import org.trustquorum.core.msg.PeerMsg;

/**
 * What a hostile certificate holder can build on its own: a configuration naming itself
 * coordinator, with shares it dealt, signed with a key of its own (not the control plane's).
 */
final class Forger {
    /** Seed of the attacker's own key pair. */
    private static final long ATTACKER_KEY_SEED = 0xBAD_5EEDL;
    static final ControlPlaneKey ATTACKER_KEY = ControlPlaneKey.generate(new SplittableRandom(ATTACKER_KEY_SEED));

    final Configuration config;
    final List<KeyShare> shares;

    private Forger(Configuration config, List<KeyShare> shares) {
        this.config = config;
        this.shares = shares;
    }

    /** A forged configuration with the given signature (the attacker's, a replayed one, or null). */
    static Forger deal(RackId rack, Epoch epoch, NodeId self, List<NodeId> members, int k, SignatureChoice sig) {
        SplittableRandom rng = new SplittableRandom(epoch.value() * 31 + members.size());
        List<KeyShare> shares;
        try (RackSecret secret = RackSecret.generate(rng)) {
            shares = secret.split(k, members.size(), rng);
        }
        List<Member> withDigests = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) {
            withDigests.add(new Member(members.get(i), Digests.shareDigest(shares.get(i))));
        }
        Threshold t = Threshold.of(k);
        CpSignature signature = switch (sig) {
            case UNSIGNED -> null;
            case OWN_KEY -> ATTACKER_KEY.signRequest(rack, epoch, self, members, t);
        };
        return new Forger(new Configuration(rack, epoch, self, withDigests, t, null, signature), shares);
    }

    enum SignatureChoice { UNSIGNED, OWN_KEY }

    /** The same configuration carrying another signature (for example one replayed from a genuine epoch). */
    Forger withSignature(CpSignature signature) {
        Configuration c = config;
        return new Forger(new Configuration(c.rackId(), c.epoch(), c.coordinator(), c.members(), c.threshold(),
                c.encryptedSecrets(), signature), shares);
    }

    PeerMsg.Prepare prepareFor(NodeId member) {
        return new PeerMsg.Prepare(config.rackId(), config, shares.get(config.xOf(member) - 1).copy());
    }

    /** A CommitAdvance "proved" with the attacker's own key. */
    PeerMsg.CommitAdvance commitAdvance() {
        return new PeerMsg.CommitAdvance(config.rackId(), config, ATTACKER_KEY.signCommit(config));
    }

    /** An Expunged "proved" by the forged configuration. */
    PeerMsg.Expunged expunged() {
        return new PeerMsg.Expunged(config.rackId(), config.epoch(), config, ATTACKER_KEY.signCommit(config));
    }
}
