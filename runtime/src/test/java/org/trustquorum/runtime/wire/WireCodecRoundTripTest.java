package org.trustquorum.runtime.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.trustquorum.core.model.EncryptedRackSecrets;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.KeyShare;
import org.trustquorum.core.model.RackId;
import org.trustquorum.core.msg.PeerMsg;
import org.trustquorum.core.msg.ProxyOp;
import org.trustquorum.core.msg.WireMsg;

class WireCodecRoundTripTest {
    private final WireCodec codec = new WireCodec();

    @Test
    void everySampleMessageRoundTripsToAnEqualValue() throws Exception {
        for (WireMsg msg : Samples.all()) {
            byte[] payload = codec.encode(msg);
            WireMsg back = codec.decode(payload);
            assertEquals(msg, back, WireMsg.kind(msg));
            assertNotSame(msg, back);
            // Encoding is deterministic: the decoded value encodes to the same bytes.
            assertArrayEquals(payload, codec.encode(back), WireMsg.kind(msg));
        }
    }

    @Test
    void keyShareBytesSurviveTheRoundTrip() throws Exception {
        KeyShare share = Samples.share(200);
        WireMsg back = codec.decode(codec.encode(new WireMsg.Protocol(new PeerMsg.Share(Samples.RACK, Epoch.of(9), share))));
        KeyShare got = ((PeerMsg.Share) ((WireMsg.Protocol) back).msg()).share();
        assertEquals(200, got.x());
        assertArrayEquals(share.y(), got.y());
    }

    @Test
    void codecIsReusableAfterAFailedDecode() throws Exception {
        WireMsg ping = new WireMsg.Ping();
        assertThrows(FrameDecodeException.class, () -> codec.decode(new byte[] {(byte) 0xff, (byte) 0xff}));
        assertEquals(ping, codec.decode(codec.encode(ping)));
    }

    /**
     * Pins the encoding of one message. If this changes, peers of different builds no longer
     * understand each other: change it only on purpose.
     */
    @Test
    void wireFormatOfAKnownMessageIsStable() {
        byte[] payload = codec.encode(new WireMsg.Protocol(new PeerMsg.PrepareAck(new RackId(1, 2), Epoch.of(3))));
        // 2b: Protocol (id 41 + 2); 35: PrepareAck (id 51 + 2); components in name order:
        // epoch = 01 (not null) 06 (zig-zag varint 3); rackId = 01 (not null) 04 02 (least, most significant).
        assertEquals("2b350106010402", HexFormat.of().formatHex(payload));
    }

    @Test
    void registeredIdsAreUniqueAndClearOfKryoBuiltIns() {
        Set<Integer> seen = new HashSet<>();
        for (var e : WireRegistry.table().entrySet()) {
            assertTrue(e.getValue() >= 10, e.getKey() + " uses a Kryo built-in id");
            assertTrue(seen.add(e.getValue()), "duplicate id " + e.getValue());
        }
    }

    /** Walks the sealed hierarchy and record components from WireMsg: every concrete type must be registered. */
    @Test
    void everyTypeReachableFromWireMsgIsRegistered() {
        Set<Class<?>> reachable = reachableConcreteTypes();
        for (Class<?> c : reachable) {
            boolean builtIn = c == String.class || c.isPrimitive() || c == List.class;
            assertTrue(builtIn || WireRegistry.table().containsKey(c), c.getName() + " is not registered");
        }
        // Sanity: the walk really went deep.
        assertTrue(reachable.contains(org.trustquorum.core.api.NodeError.Alarmed.class));
        assertTrue(reachable.contains(org.trustquorum.core.api.NodeStatus.ProxiedRequest.class));
        assertTrue(reachable.contains(byte[].class));
    }

    /** Every concrete record or enum reachable from WireMsg occurs in the samples, so every one is round-tripped. */
    @Test
    void samplesCoverEveryReachableRecordAndEnum() throws Exception {
        Set<Class<?>> used = new HashSet<>();
        for (WireMsg msg : Samples.all()) {
            collectClasses(msg, used);
        }
        for (Class<?> c : reachableConcreteTypes()) {
            if (c.isRecord() || c.isEnum()) {
                assertTrue(used.contains(c), "no sample contains a " + c.getName());
            }
        }
    }

    @Test
    void everyRegisteredClassIsReachableFromWireMsg() {
        Set<Class<?>> reachable = reachableConcreteTypes();
        for (Class<?> c : WireRegistry.table().keySet()) {
            if (!List.class.isAssignableFrom(c)) {
                assertTrue(reachable.contains(c), c.getName() + " is registered but never on the wire");
            }
        }
    }

    @Test
    void listImplementationsOfAllSizesRoundTrip() throws Exception {
        for (int n = 0; n <= 4; n++) {
            List<org.trustquorum.core.model.NodeId> peers = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                peers.add(new org.trustquorum.core.model.NodeId("p", "s" + i));
            }
            var status = new org.trustquorum.core.api.NodeStatus(Samples.A, peers, List.of(), null, List.of(),
                    List.of(), List.of(), null, null, null, List.of());
            WireMsg msg = new WireMsg.ProxyResponse(n, new org.trustquorum.core.msg.ProxyResult.Status(status));
            assertEquals(msg, codec.decode(codec.encode(msg)));
        }
    }

    @Test
    void nullWhereTheModelForbidsItIsRefusedWhenEncoding() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> codec.encode(new WireMsg.Protocol(null)));
        assertTrue(e.getMessage().contains("Protocol.msg must not be null"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> codec.encode(null));
    }

    @Test
    void theLargestConfigurationTheModelAllowsStillFitsInAFrame() {
        var big = new EncryptedRackSecrets(new byte[EncryptedRackSecrets.SALT_LENGTH_BYTES],
                new byte[EncryptedRackSecrets.MAX_CIPHERTEXT_BYTES]);
        var c = Samples.laterConfig();
        var config = new org.trustquorum.core.model.Configuration(c.rackId(), c.epoch(), c.coordinator(), c.members(),
                c.threshold(), big, c.authorization());
        byte[] encoded = codec.encode(new WireMsg.ProxyRequest(1, new ProxyOp.PrepareAndCommit(config,
                c.authorization())));
        assertTrue(encoded.length < FrameFormat.MAX_FRAME_BYTES);
    }

    @Test
    void messageLargerThanAFrameIsRefusedWhenEncoding() {
        var s = Samples.fullStatus();
        var epochs = new java.util.ArrayList<org.trustquorum.core.model.Epoch>();
        for (long e = 1; e <= 400_000; e++) {
            epochs.add(org.trustquorum.core.model.Epoch.of(e));
        }
        var huge = new org.trustquorum.core.api.NodeStatus(s.id(), s.connectedPeers(), s.alarms(), s.rackId(), epochs,
                s.shareEpochs(), s.committedEpochs(), s.expunged(), s.coordinator(), s.computingShareFor(), s.proxied());
        assertThrows(MessageTooLargeException.class,
                () -> codec.encode(new WireMsg.ProxyResponse(1, new org.trustquorum.core.msg.ProxyResult.Status(huge))));
        // and the codec still works afterwards
        assertFalse(codec.encode(new WireMsg.Ping()).length == 0);
    }

    static Set<Class<?>> reachableConcreteTypes() {
        Set<Class<?>> out = new LinkedHashSet<>();
        Set<Class<?>> visited = new HashSet<>();
        ArrayDeque<Class<?>> todo = new ArrayDeque<>();
        todo.add(WireMsg.class);
        while (!todo.isEmpty()) {
            Class<?> c = todo.poll();
            if (!visited.add(c)) {
                continue;
            }
            if (c.isSealed()) {
                todo.addAll(List.of(c.getPermittedSubclasses()));
                continue;
            }
            if (c.isInterface() && c != List.class) {
                throw new AssertionError("open interface on the wire: " + c);
            }
            out.add(c);
            if (c.isRecord()) {
                for (RecordComponent rc : c.getRecordComponents()) {
                    todo.add(rc.getType());
                    if (rc.getGenericType() instanceof ParameterizedType p) {
                        todo.add((Class<?>) p.getActualTypeArguments()[0]);
                    }
                }
            }
        }
        return out;
    }

    private static void collectClasses(Object value, Set<Class<?>> into) throws Exception {
        if (value == null) {
            return;
        }
        into.add(value.getClass());
        if (value instanceof List<?> list) {
            for (Object e : list) {
                collectClasses(e, into);
            }
        } else if (value.getClass().isRecord()) {
            for (RecordComponent rc : value.getClass().getRecordComponents()) {
                rc.getAccessor().setAccessible(true);
                collectClasses(rc.getAccessor().invoke(value), into);
            }
        }
    }
}
