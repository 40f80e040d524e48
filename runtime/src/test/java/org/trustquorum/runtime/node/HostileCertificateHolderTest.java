package org.trustquorum.runtime.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.trustquorum.core.api.NodeStatus;
import org.trustquorum.core.auth.ControlPlaneKey;
import org.trustquorum.core.crypto.Digests;
import org.trustquorum.core.crypto.RackSecret;
import org.trustquorum.core.model.Configuration;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.KeyShare;
import org.trustquorum.core.model.Member;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.RackId;
import org.trustquorum.core.model.Threshold;
import org.trustquorum.core.msg.PeerMsg;
import org.trustquorum.core.msg.ProxyOp;
import org.trustquorum.core.msg.WireMsg;
import org.trustquorum.runtime.cp.ControlPlaneDriver;

/**
 * A process holding a genuine certificate of the rack, but not the control plane's key, attacks
 * real nodes over mutual TLS with the frames a reviewer used against core: the two-frame expunge
 * (forged Prepare, then Expunged), the two-frame forced commit (forged Prepare, then
 * CommitAdvance), a far-future Prepare, a forged Prepare of the committed epoch, an unproven
 * Expunged and a proxied prepare-and-commit of a forged configuration. The victim keeps its state
 * and its secret, raises no alarm, and the rack still reconfigures afterwards.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class HostileCertificateHolderTest {
    private static final RackId RACK = RackId.parse("3e8d7c6b-5a49-4382-9170-6f5e4d3c2b1a");
    /** Time given to the node to (wrongly) act on the frames. */
    private static final long SETTLE_MS = 500;
    /** Seed of the attacker's own key pair and shares (any value: it is not the control plane's). */
    private static final long ATTACKER_SEED = 0xBAD;
    private static final long FAR_EPOCH = 1_000_000;
    private static final long FORGED_EPOCH = 99;

    @TempDir
    Path dir;

    private final SplittableRandom rng = new SplittableRandom(ATTACKER_SEED);
    private final ControlPlaneKey attackerKey = ControlPlaneKey.generate(rng);

    private record Forged(Configuration config, List<KeyShare> shares) {
        KeyShare shareOf(NodeId id) {
            return shares.get(config.xOf(id) - 1).copy();
        }
    }

    /** A configuration the attacker writes: itself coordinator, dealt by itself, signed with its own key. */
    private Forged forge(Epoch epoch, NodeId self, List<NodeId> members) {
        List<NodeId> ids = new ArrayList<>(new TreeSet<>(members));
        List<KeyShare> shares;
        try (RackSecret s = RackSecret.generate(rng)) {
            shares = s.split(2, ids.size(), rng);
        }
        List<Member> withDigests = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            withDigests.add(new Member(ids.get(i), Digests.shareDigest(shares.get(i))));
        }
        Threshold k = Threshold.of(2);
        return new Forged(new Configuration(RACK, epoch, self, withDigests, k, null,
                attackerKey.signRequest(RACK, epoch, self, ids, k)), shares);
    }

    private static WireMsg protocol(PeerMsg m) {
        return new WireMsg.Protocol(m);
    }

    @Test
    void aCertificateHolderWithoutTheControlPlanesKeyCannotExpungeReconfigureOrAlarmAMember(Vertx vertx)
            throws Exception {
        try (LocalCluster c = LocalCluster.startFirst(vertx, dir, 4, 3, LocalCluster.TEST_LIMITS)) {
            List<NodeId> members = c.ids.subList(0, 3);
            NodeId a = c.id(1);
            NodeId d = c.id(4); // holds a genuine certificate, never a member
            try (ControlPlaneDriver cp = new ControlPlaneDriver(RACK, members, c.controlPlaneKey(), c.gatewayTo(members),
                    line -> {})) {
                c.awaitMesh();
                Epoch one = cp.reconfigure(members, 2).orElseThrow();
                cp.awaitIdle(LocalCluster.WAIT);
                String before = ReconfigurationOverTlsTest.unlock(c.admin(a), one);

                FakePeer attacker = FakePeer.connect(vertx, c.tls(4), c.node(a).address());
                LocalCluster.awaitTrue("A sees D", () -> c.connected(a, d));
                List<NodeId> withD = List.of(a, c.id(2), d);
                // Two frames to expunge A.
                Forged f = forge(Epoch.of(FORGED_EPOCH), d, withD);
                Configuration withoutA = forge(Epoch.of(FORGED_EPOCH), d, List.of(c.id(2), c.id(3), d)).config();
                attacker.send(protocol(new PeerMsg.Prepare(RACK, f.config(), f.shareOf(a))));
                attacker.send(protocol(new PeerMsg.Expunged(RACK, withoutA.epoch(), withoutA,
                        attackerKey.signCommit(withoutA))));
                // Two frames to make A commit the forged epoch.
                attacker.send(protocol(new PeerMsg.Prepare(RACK, f.config(), f.shareOf(a))));
                attacker.send(protocol(new PeerMsg.CommitAdvance(RACK, f.config(), attackerKey.signCommit(f.config()))));
                // A far-future Prepare, a forged Prepare of the committed epoch, an unproven Expunged.
                Forged far = forge(Epoch.of(FAR_EPOCH), d, withD);
                attacker.send(protocol(new PeerMsg.Prepare(RACK, far.config(), far.shareOf(a))));
                Forged same = forge(one, d, withD);
                attacker.send(protocol(new PeerMsg.Prepare(RACK, same.config(), same.shareOf(a))));
                attacker.send(protocol(new PeerMsg.Expunged(RACK, one, null, null)));
                // A proxied prepare-and-commit of a forged configuration, run by A itself.
                attacker.send(new WireMsg.ProxyRequest(1, new ProxyOp.PrepareAndCommit(f.config(),
                        attackerKey.signCommit(f.config()))));
                attacker.send(new WireMsg.Ping());
                Thread.sleep(SETTLE_MS);

                NodeStatus s = ReconfigurationOverTlsTest.status(c.admin(a));
                assertNull(s.expunged(), "A was expunged by a forged frame: " + s.expunged());
                assertEquals(List.of(one), s.committedEpochs(), "A committed only the control plane's epoch");
                assertEquals(List.of(one), s.configEpochs(), "A stored no forged configuration");
                assertEquals(List.of(), s.alarms(), "forged frames raise no alarm");
                assertEquals(before, ReconfigurationOverTlsTest.unlock(c.admin(a), one), "A keeps the same secret");
                attacker.close();

                // The rack still reconfigures: the forged high epoch blocks nothing.
                Epoch two = cp.reconfigure(members, 2).orElseThrow();
                cp.awaitIdle(LocalCluster.WAIT);
                assertEquals(List.of(one, two), ReconfigurationOverTlsTest.status(c.admin(a)).committedEpochs());
            }
        }
    }
}
