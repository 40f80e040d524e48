package org.trustquorum.core;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.trustquorum.core.api.ReconfigureRequest;
import org.trustquorum.core.auth.ConfigAuthority;
import org.trustquorum.core.auth.ControlPlaneKey;
import org.trustquorum.core.model.Configuration;
import org.trustquorum.core.model.CpSignature;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.Member;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.RackId;
import org.trustquorum.core.model.Sha3Digest;
import org.trustquorum.core.model.Threshold;
import org.trustquorum.core.msg.PeerMsg;

/** The control-plane key every core test trusts, and signing shortcuts for tests that play the control plane. */
public final class TestAuth {
    /** Seed of the tests' control-plane key. */
    private static final long KEY_SEED = 0x7A57_C0DEL;

    public static final ControlPlaneKey KEY = ControlPlaneKey.generate(new SplittableRandom(KEY_SEED));
    public static final ConfigAuthority AUTHORITY = KEY.authority();

    private TestAuth() {}

    /** The request as the control plane would sign it for {@code coordinator}. */
    public static ReconfigureRequest sign(ReconfigureRequest r, NodeId coordinator) {
        return r.signed(KEY.signRequest(r.rackId(), r.epoch(), coordinator, r.members(), r.threshold()));
    }

    /**
     * A configuration the control plane proposed and committed (its share digests are
     * placeholders: only the signatures matter to whoever checks it as a proof).
     */
    public static Configuration signedConfig(RackId rack, Epoch epoch, NodeId coordinator, List<NodeId> members,
            int threshold) {
        List<Member> withDigests = new ArrayList<>();
        for (NodeId m : members) {
            withDigests.add(new Member(m, new Sha3Digest(new byte[Sha3Digest.LENGTH_BYTES])));
        }
        Threshold k = Threshold.of(threshold);
        return new Configuration(rack, epoch, coordinator, withDigests, k, null,
                KEY.signRequest(rack, epoch, coordinator, members, k));
    }

    /** An Expunged with a valid proof: a signed committed configuration of {@code members}. */
    public static PeerMsg.Expunged expungedBy(RackId rack, Epoch epoch, NodeId coordinator, List<NodeId> members) {
        Configuration proof = signedConfig(rack, epoch, coordinator, members, 2);
        return new PeerMsg.Expunged(rack, epoch, proof, commitOf(proof));
    }

    /** The control plane's signed decision to commit {@code config}. */
    public static CpSignature commitOf(Configuration config) {
        return KEY.signCommit(config);
    }
}
