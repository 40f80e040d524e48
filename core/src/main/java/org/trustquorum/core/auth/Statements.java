package org.trustquorum.core.auth;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.trustquorum.core.model.Configuration;
import org.trustquorum.core.model.EncryptedRackSecrets;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.Member;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.RackId;
import org.trustquorum.core.model.Threshold;

/**
 * The canonical bytes the control plane signs. Two statements exist, each opened by its own tag so
 * that a signature of one can never pass for the other:
 * <ul>
 *   <li>a <em>proposal</em>: rack, epoch, coordinator, member ids, threshold. The control plane
 *       decides all of these before any share exists;</li>
 *   <li>a <em>commit</em>: the whole configuration the coordinator built, share digests and
 *       encrypted chain included, which the control plane signs when it decides the commit.</li>
 * </ul>
 * Strings are length-prefixed UTF-8, numbers big-endian, so the encoding is unambiguous.
 */
public final class Statements {
    static final String PROPOSAL_TAG = "trust-quorum/proposal/v1";
    static final String COMMIT_TAG = "trust-quorum/commit/v1";

    private Statements() {}

    /** The proposal a coordinator is asked to prepare. */
    public static byte[] proposal(RackId rack, Epoch epoch, NodeId coordinator, List<NodeId> members,
            Threshold threshold) {
        Out out = new Out();
        out.text(PROPOSAL_TAG);
        proposalFields(out, rack, epoch, coordinator, members, threshold);
        return out.bytes();
    }

    /** The proposal a configuration claims to implement. */
    public static byte[] proposalOf(Configuration c) {
        return proposal(c.rackId(), c.epoch(), c.coordinator(), c.memberIds(), c.threshold());
    }

    /** The commit decision of a whole configuration. */
    public static byte[] commit(Configuration c) {
        Out out = new Out();
        out.text(COMMIT_TAG);
        proposalFields(out, c.rackId(), c.epoch(), c.coordinator(), c.memberIds(), c.threshold());
        for (Member m : c.members()) {
            out.blob(m.shareDigest().bytes());
        }
        EncryptedRackSecrets enc = c.encryptedSecrets();
        out.u8(enc == null ? 0 : 1);
        if (enc != null) {
            out.blob(enc.salt());
            out.blob(enc.ciphertext());
        }
        return out.bytes();
    }

    private static void proposalFields(Out out, RackId rack, Epoch epoch, NodeId coordinator, List<NodeId> members,
            Threshold threshold) {
        out.blob(rack.toBytes());
        out.u64(epoch.value());
        id(out, coordinator);
        out.u32(members.size());
        for (NodeId m : members) {
            id(out, m);
        }
        out.u32(threshold.value());
    }

    private static void id(Out out, NodeId id) {
        out.text(id.partNumber());
        out.text(id.serialNumber());
    }

    private static final class Out {
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream();

        void u8(int v) {
            buf.write(v);
        }

        void u32(int v) {
            buf.writeBytes(ByteBuffer.allocate(Integer.BYTES).putInt(v).array());
        }

        void u64(long v) {
            buf.writeBytes(ByteBuffer.allocate(Long.BYTES).putLong(v).array());
        }

        void blob(byte[] b) {
            u32(b.length);
            buf.writeBytes(b);
        }

        void text(String s) {
            blob(s.getBytes(StandardCharsets.UTF_8));
        }

        byte[] bytes() {
            return buf.toByteArray();
        }
    }
}
