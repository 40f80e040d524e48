package org.trustquorum.runtime.wire;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.util.DefaultClassResolver;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.trustquorum.core.api.CommitStatus;
import org.trustquorum.core.api.NodeError;
import org.trustquorum.core.api.NodeStatus;
import org.trustquorum.core.model.Alarm;
import org.trustquorum.core.model.Configuration;
import org.trustquorum.core.model.CpSignature;
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

/**
 * The fixed class-id table of the wire format. An id, once given, is never reused for another
 * class: both ends of a connection must agree on it. New classes get new ids.
 *
 * <p>Kryo itself pre-registers the primitives and {@code String} at ids 0..8; we keep those ids
 * and replace the {@code String} serializer by a bounded one.
 */
public final class WireRegistry {
    private WireRegistry() {}

    /** Kryo's own id for {@code String}, re-registered with a bounded serializer. */
    static final int STRING_ID = 1;

    /** Deepest object nesting a frame may have. Real messages nest fewer than 10 levels. */
    static final int MAX_OBJECT_DEPTH = 32;

    private static final Map<Class<?>, Integer> IDS = buildTable();

    private static Map<Class<?>, Integer> buildTable() {
        Map<Class<?>, Integer> t = new LinkedHashMap<>();
        // Containers.
        t.put(byte[].class, 10);
        t.put(ArrayList.class, 11);
        t.put(List.of(1).getClass(), 12); // List.of with 1 or 2 elements
        t.put(List.of().getClass(), 13); // List.of with 0 or 3+ elements, List.copyOf
        // Model values.
        t.put(RackId.class, 20);
        t.put(Epoch.class, 21);
        t.put(NodeId.class, 22);
        t.put(Threshold.class, 23);
        t.put(Sha3Digest.class, 24);
        t.put(KeyShare.class, 25);
        t.put(Member.class, 26);
        t.put(EncryptedRackSecrets.class, 27);
        t.put(Configuration.class, 28);
        t.put(CommitStatus.class, 29);
        t.put(ExpungedMarker.class, 30);
        t.put(CpSignature.class, 31);
        // Envelope.
        t.put(WireMsg.Ping.class, 40);
        t.put(WireMsg.Protocol.class, 41);
        t.put(WireMsg.NetworkConfig.class, 42);
        t.put(WireMsg.ProxyRequest.class, 43);
        t.put(WireMsg.ProxyResponse.class, 44);
        // Peer protocol.
        t.put(PeerMsg.Prepare.class, 50);
        t.put(PeerMsg.PrepareAck.class, 51);
        t.put(PeerMsg.GetShare.class, 52);
        t.put(PeerMsg.Share.class, 53);
        t.put(PeerMsg.CommitAdvance.class, 54);
        t.put(PeerMsg.Expunged.class, 55);
        // Proxy.
        t.put(ProxyOp.Commit.class, 60);
        t.put(ProxyOp.PrepareAndCommit.class, 61);
        t.put(ProxyOp.Status.class, 62);
        t.put(ProxyResult.Commit.class, 65);
        t.put(ProxyResult.Status.class, 66);
        t.put(ProxyResult.Failed.class, 67);
        // Status.
        t.put(NodeStatus.class, 70);
        t.put(NodeStatus.CoordinatorStatus.class, 71);
        t.put(NodeStatus.Phase.class, 72);
        t.put(NodeStatus.ProxiedRequest.class, 73);
        // Alarms.
        t.put(Alarm.MismatchedConfigurations.class, 80);
        t.put(Alarm.KeyShareComputationFailed.class, 81);
        t.put(Alarm.CommittedConfigurationLost.class, 82);
        t.put(Alarm.RackSecretDecryptionFailed.class, 83);
        t.put(Alarm.RackSecretReconstructionFailed.class, 84);
        // Node API errors.
        t.put(NodeError.CoordinatorMustBeAMemberOfNewGroup.class, 100);
        t.put(NodeError.ThresholdMismatch.class, 101);
        t.put(NodeError.InvalidMembershipSize.class, 102);
        t.put(NodeError.InvalidThreshold.class, 103);
        t.put(NodeError.InvalidRackId.class, 104);
        t.put(NodeError.Expunged.class, 105);
        t.put(NodeError.LastCommittedEpochMismatch.class, 106);
        t.put(NodeError.PreparedEpochMismatch.class, 107);
        t.put(NodeError.ReconfigurationInProgress.class, 108);
        t.put(NodeError.MismatchedReconfiguration.class, 109);
        t.put(NodeError.NotPrepared.class, 110);
        t.put(NodeError.NotAMember.class, 111);
        t.put(NodeError.ConfigurationMismatch.class, 112);
        t.put(NodeError.NoCommittedConfigurations.class, 113);
        t.put(NodeError.NotCommitted.class, 114);
        t.put(NodeError.NotAvailable.class, 115);
        t.put(NodeError.Alarmed.class, 116);
        t.put(NodeError.Unauthorized.class, 117);
        return Collections.unmodifiableMap(t);
    }

    /** Every class we register, with its id (for tests and diagnostics). */
    public static Map<Class<?>, Integer> table() {
        return IDS;
    }

    /** A Kryo instance configured for the wire: registration required, fixed ids, bounded serializers. */
    static Kryo newKryo() {
        Kryo kryo = new Kryo(new NoClassNamesResolver(), null);
        kryo.setRegistrationRequired(true);
        kryo.setReferences(false);
        kryo.setMaxDepth(MAX_OBJECT_DEPTH);
        kryo.register(String.class, new BoundedSerializers.Utf8String(), STRING_ID);
        BoundedSerializers.BoundedList lists = new BoundedSerializers.BoundedList();
        for (Map.Entry<Class<?>, Integer> e : IDS.entrySet()) {
            Class<?> type = e.getKey();
            int id = e.getValue();
            if (type == byte[].class) {
                kryo.register(type, new BoundedSerializers.ByteArray(), id);
            } else if (type == KeyShare.class) {
                kryo.register(type, new BoundedSerializers.KeyShareSerializer(), id);
            } else if (List.class.isAssignableFrom(type)) {
                kryo.register(type, lists, id);
            } else {
                // Records get Kryo's record serializer, enums its enum serializer.
                kryo.register(type, id);
            }
        }
        return kryo;
    }

    /**
     * Refuses classes named on the wire. With registration required Kryo would still load a class
     * by a name read from the input (and read that name with an unbounded length) before finding
     * it unregistered; only ids are valid here.
     */
    private static final class NoClassNamesResolver extends DefaultClassResolver {
        @Override
        protected Registration readName(Input input) {
            throw new KryoException("class names are not accepted on the wire");
        }
    }
}
