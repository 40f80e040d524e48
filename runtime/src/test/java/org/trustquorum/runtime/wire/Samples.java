package org.trustquorum.runtime.wire;

import org.trustquorum.core.model.CpSignature;
import java.util.ArrayList;
import java.util.List;
import org.trustquorum.core.api.CommitStatus;
import org.trustquorum.core.api.NodeError;
import org.trustquorum.core.api.NodeStatus;
import org.trustquorum.core.model.Alarm;
import org.trustquorum.core.model.Configuration;
import org.trustquorum.core.model.EncryptedRackSecrets;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.ExpungedMarker;
import org.trustquorum.core.model.KeyShare;
import org.trustquorum.core.model.Member;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.RackId;
import org.trustquorum.core.model.Sha3Digest;
import org.trustquorum.core.model.Threshold;
import org.trustquorum.core.msg.PeerMsg;
import org.trustquorum.core.msg.ProxyOp;
import org.trustquorum.core.msg.ProxyResult;
import org.trustquorum.core.msg.WireMsg;

/** Representative values of every message type, for round-trip and fuzz tests. */
final class Samples {
    private Samples() {}

    static final RackId RACK = new RackId(0x0123456789abcdefL, 0xfedcba9876543210L);
    static final NodeId A = new NodeId("913-0000019", "BRM42220001");
    static final NodeId B = new NodeId("913-0000019", "BRM42220002");
    static final NodeId C = new NodeId("913-0000019", "BRM42220003");
    static final NodeId D = new NodeId("913-0000023", "SN{odd|chars}~!xyz");

    static byte[] bytes(int length, int seed) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (seed * 31 + i * 7);
        }
        return b;
    }

    static KeyShare share(int x) {
        return new KeyShare(x, bytes(KeyShare.SECRET_LENGTH_BYTES, x));
    }

    static Sha3Digest digest(int seed) {
        return new Sha3Digest(bytes(Sha3Digest.LENGTH_BYTES, seed));
    }

    /** A first configuration (no encrypted secrets), three members. */
    static Configuration firstConfig() {
        return new Configuration(RACK, Epoch.of(1), A,
                List.of(new Member(A, digest(1)), new Member(B, digest(2)), new Member(C, digest(3))),
                Threshold.of(2), null, null);
    }

    /** A later configuration carrying earlier secrets, four members (list built as an ArrayList). */
    static Configuration laterConfig() {
        List<Member> members = new ArrayList<>();
        members.add(new Member(A, digest(4)));
        members.add(new Member(B, digest(5)));
        members.add(new Member(C, digest(6)));
        members.add(new Member(D, digest(7)));
        return new Configuration(RACK, Epoch.of(-2L), B, members, Threshold.of(3),
                new EncryptedRackSecrets(bytes(EncryptedRackSecrets.SALT_LENGTH_BYTES, 9), bytes(56, 10)),
                new CpSignature(bytes(CpSignature.LENGTH_BYTES, 11)));
    }

    static List<Alarm> alarms() {
        return List.of(
                new Alarm.MismatchedConfigurations(Epoch.of(2), B),
                new Alarm.KeyShareComputationFailed(Epoch.of(3), "digest mismatch"),
                new Alarm.CommittedConfigurationLost(Epoch.of(4)),
                new Alarm.RackSecretDecryptionFailed(Epoch.of(5), "aead failure"),
                new Alarm.RackSecretReconstructionFailed(Epoch.of(6), "duplicate x"));
    }

    static List<NodeError> errors() {
        return List.of(
                new NodeError.CoordinatorMustBeAMemberOfNewGroup(A),
                new NodeError.ThresholdMismatch(3, 3),
                new NodeError.InvalidMembershipSize(40),
                new NodeError.InvalidThreshold(1),
                new NodeError.InvalidRackId(RACK, new RackId(1, 2)),
                new NodeError.Expunged(Epoch.of(7), C),
                new NodeError.LastCommittedEpochMismatch(Epoch.of(1), Epoch.NONE),
                new NodeError.PreparedEpochMismatch(Epoch.of(3), Epoch.of(2)),
                new NodeError.ReconfigurationInProgress(Epoch.of(5), Epoch.of(4)),
                new NodeError.MismatchedReconfiguration(Epoch.of(5)),
                new NodeError.NotPrepared(Epoch.of(8)),
                new NodeError.NotAMember(Epoch.of(8)),
                new NodeError.ConfigurationMismatch(Epoch.of(9)),
                new NodeError.NoCommittedConfigurations(),
                new NodeError.NotCommitted(Epoch.of(10)),
                new NodeError.NotAvailable(Epoch.of(11)),
                new NodeError.Alarmed(new Alarm.CommittedConfigurationLost(Epoch.of(12))),
                new NodeError.Unauthorized("configuration 3 is not signed"));
    }

    /** A status with every optional part filled in. */
    static NodeStatus fullStatus() {
        return new NodeStatus(A, List.of(B, C), alarms(), RACK,
                List.of(Epoch.of(1), Epoch.of(2), Epoch.of(3)), List.of(Epoch.of(1), Epoch.of(2)), List.of(Epoch.of(1)),
                new ExpungedMarker(Epoch.of(3), B),
                new NodeStatus.CoordinatorStatus(Epoch.of(3), NodeStatus.Phase.COLLECTING_ACKS, List.of(A, B, C),
                        laterConfig()),
                Epoch.of(2),
                List.of(new NodeStatus.ProxiedRequest(17, C, "Commit"),
                        new NodeStatus.ProxiedRequest(-1, D, "Status")));
    }

    /** A status of a fresh node: everything optional absent. */
    static NodeStatus emptyStatus() {
        return new NodeStatus(D, List.of(), List.of(), null, List.of(), List.of(), List.of(), null,
                new NodeStatus.CoordinatorStatus(Epoch.of(1), NodeStatus.Phase.COLLECTING_SHARES, List.of(), null),
                null, List.of());
    }

    static List<PeerMsg> peerMessages() {
        return List.of(
                new PeerMsg.Prepare(RACK, firstConfig(), share(1)),
                new PeerMsg.Prepare(RACK, laterConfig(), share(255)),
                new PeerMsg.PrepareAck(RACK, Epoch.of(1)),
                new PeerMsg.GetShare(RACK, Epoch.of(Long.MAX_VALUE)),
                new PeerMsg.Share(RACK, Epoch.of(1), share(2)),
                new PeerMsg.CommitAdvance(RACK, laterConfig(), new CpSignature(bytes(CpSignature.LENGTH_BYTES, 12))),
                new PeerMsg.CommitAdvance(RACK, firstConfig(), null),
                new PeerMsg.Expunged(RACK, Epoch.of(4), null, null),
                new PeerMsg.Expunged(RACK, Epoch.of(-2L), laterConfig(), new CpSignature(bytes(CpSignature.LENGTH_BYTES, 13))));
    }

    static List<ProxyOp> proxyOps() {
        return List.of(new ProxyOp.Commit(RACK, Epoch.of(2), null), new ProxyOp.PrepareAndCommit(laterConfig(),
                new CpSignature(bytes(CpSignature.LENGTH_BYTES, 14))), new ProxyOp.Commit(RACK, Epoch.of(3),
                new CpSignature(bytes(CpSignature.LENGTH_BYTES, 15))),
                new ProxyOp.Status());
    }

    static List<ProxyResult> proxyResults() {
        List<ProxyResult> out = new ArrayList<>();
        out.add(new ProxyResult.Commit(CommitStatus.COMMITTED));
        out.add(new ProxyResult.Commit(CommitStatus.PENDING));
        out.add(new ProxyResult.Status(fullStatus()));
        out.add(new ProxyResult.Status(emptyStatus()));
        for (NodeError e : errors()) {
            out.add(new ProxyResult.Failed(e));
        }
        return out;
    }

    /** Every wire message sample. */
    static List<WireMsg> all() {
        List<WireMsg> out = new ArrayList<>();
        out.add(new WireMsg.Ping());
        out.add(new WireMsg.NetworkConfig(42, bytes(100, 3)));
        out.add(new WireMsg.NetworkConfig(0, new byte[0]));
        for (PeerMsg m : peerMessages()) {
            out.add(new WireMsg.Protocol(m));
        }
        long id = 1;
        for (ProxyOp op : proxyOps()) {
            out.add(new WireMsg.ProxyRequest(id++, op));
        }
        for (ProxyResult r : proxyResults()) {
            out.add(new WireMsg.ProxyResponse(id++, r));
        }
        return out;
    }
}
