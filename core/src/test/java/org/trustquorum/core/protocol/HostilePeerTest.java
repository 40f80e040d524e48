package org.trustquorum.core.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.trustquorum.core.protocol.ClusterScenarioTest.RACK;
import static org.trustquorum.core.protocol.ClusterScenarioTest.reconfigureAndCommit;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.trustquorum.core.TestAuth;
import org.trustquorum.core.api.NodeError;
import org.trustquorum.core.api.ReconfigureRequest;
import org.trustquorum.core.model.Configuration;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.PersistentState;
import org.trustquorum.core.model.Threshold;
import org.trustquorum.core.msg.PeerMsg;
import org.trustquorum.core.protocol.Forger.SignatureChoice;

/**
 * The attacks of a certificate holder that is not the control plane: each one against a member
 * with a committed configuration, which must keep its state, raise no alarm, and count the
 * refusal. Each test names the gate it exercises.
 */
class HostilePeerTest {
    /** Five sleds; sled-00..03 commit epoch 1, sled-04 holds a certificate but was never a member. */
    private final TestCluster c = new TestCluster(5, 90);
    private final List<NodeId> four = c.ids().subList(0, 4);
    private final NodeId victim = four.get(1);
    private final NodeId spare = c.ids().get(4);
    private final Configuration one;

    HostilePeerTest() {
        c.connectAll();
        one = reconfigureAndCommit(c, four.get(0), Epoch.of(1), Epoch.NONE, four, 2);
    }

    private List<NodeId> victimAndSpare() {
        List<NodeId> m = new ArrayList<>(List.of(four.get(0), victim, four.get(2), spare));
        m.sort(null);
        return m;
    }

    private void deliver(NodeId from, PeerMsg msg) {
        c.node(victim).handle(c.ctx(victim), from, msg);
    }

    private void assertUnharmed(PersistentState before) {
        assertEquals(before, c.ctx(victim).state(), "the victim's persistent state is unchanged");
        assertEquals(List.of(), c.ctx(victim).alarms(), "forged input raises no alarm");
        assertFalse(c.ctx(victim).takeStateChanged());
        assertTrue(c.ctx(victim).refusedFrames() > 0, "the refusal is counted");
    }

    @Test
    void twoFramesFromANeverMemberDoNotExpungeACommittedMember() {
        PersistentState before = c.ctx(victim).state();
        c.ctx(victim).takeStateChanged();
        for (SignatureChoice sig : SignatureChoice.values()) {
            Forger f = Forger.deal(RACK, Epoch.of(99), spare, victimAndSpare(), 2, sig);
            deliver(spare, f.prepareFor(victim));
            deliver(spare, f.expunged());
        }
        assertUnharmed(before);
        assertEquals(List.of(), c.ctx(victim).drainEnvelopes(), "no ack for a forged prepare");
    }

    @Test
    void twoFramesFromANeverMemberDoNotMakeAMemberCommitAForgedConfiguration() {
        PersistentState before = c.ctx(victim).state();
        c.ctx(victim).takeStateChanged();
        Forger f = Forger.deal(RACK, Epoch.of(99), spare, victimAndSpare(), 2, SignatureChoice.OWN_KEY);
        deliver(spare, f.prepareFor(victim));
        deliver(spare, f.commitAdvance());
        assertUnharmed(before);
        // Honest members still get the victim's share of epoch 1, not an Expunged.
        deliver(four.get(2), new PeerMsg.GetShare(RACK, Epoch.of(1)));
        List<Envelope> out = c.ctx(victim).drainEnvelopes();
        assertEquals(1, out.size());
        assertInstanceOf(PeerMsg.Share.class, out.get(0).msg());
    }

    @Test
    void aForgedHighEpochPrepareDoesNotStopTheVictimFromCoordinatingTheNextEpoch() {
        Forger f = Forger.deal(RACK, Epoch.of(1_000_000), spare, victimAndSpare(), 2, SignatureChoice.OWN_KEY);
        deliver(spare, f.prepareFor(victim));
        assertEquals(Epoch.of(1), c.ctx(victim).state().latestConfigEpoch());
        assertTrue(c.coordinate(victim, new ReconfigureRequest(RACK, Epoch.of(2), Epoch.of(1), four, Threshold.of(2)))
                .isOk());
    }

    @Test
    void aForgedPrepareOfTheCommittedEpochRaisesNoMismatchAlarm() {
        PersistentState before = c.ctx(victim).state();
        c.ctx(victim).takeStateChanged();
        Forger f = Forger.deal(RACK, Epoch.of(1), spare, victimAndSpare(), 2, SignatureChoice.OWN_KEY);
        deliver(spare, f.prepareFor(victim));
        assertUnharmed(before);
    }

    @Test
    void aGenuineSignatureReplayedOnAForgedConfigurationIsRefused() {
        PersistentState before = c.ctx(victim).state();
        c.ctx(victim).takeStateChanged();
        // The proposal signature of the genuine epoch 1, and its commit signature, on the attacker's epoch 2.
        Forger f = Forger.deal(RACK, Epoch.of(2), spare, victimAndSpare(), 2, SignatureChoice.UNSIGNED)
                .withSignature(one.authorization());
        deliver(spare, f.prepareFor(victim));
        deliver(spare, new PeerMsg.CommitAdvance(RACK, f.config, TestAuth.commitOf(one)));
        // The genuine epoch 1 as proof that the victim is expunged: it includes the victim.
        deliver(spare, new PeerMsg.Expunged(RACK, Epoch.of(1), one, TestAuth.commitOf(one)));
        assertUnharmed(before);
    }

    @Test
    void aSignedButNeverCommittedProposalCannotBeAdvancedToACommit() {
        // Epoch 2 is proposed and prepared, then aborted: the control plane never signs its commit.
        NodeId coord = four.get(0);
        assertTrue(c.coordinate(coord, new ReconfigureRequest(RACK, Epoch.of(2), Epoch.of(1), four, Threshold.of(2)))
                .isOk());
        c.run();
        Configuration aborted = c.ctx(coord).state().config(Epoch.of(2)).orElseThrow();
        PersistentState before = c.ctx(victim).state();
        c.ctx(victim).takeStateChanged();
        // A peer replays it as committed, with the proposal signature standing in for the commit's.
        deliver(coord, new PeerMsg.CommitAdvance(RACK, aborted, aborted.authorization()));
        deliver(coord, new PeerMsg.CommitAdvance(RACK, aborted, null));
        assertUnharmed(before);
        assertFalse(c.ctx(victim).state().isCommitted(Epoch.of(2)));
    }

    @Test
    void aMaliciousCurrentMemberCannotExpungeAnHonestMember() {
        PersistentState before = c.ctx(victim).state();
        c.ctx(victim).takeStateChanged();
        NodeId insider = four.get(3);
        List<NodeId> withoutVictim = List.of(four.get(0), four.get(2), insider);
        Forger f = Forger.deal(RACK, Epoch.of(2), insider, withoutVictim, 2, SignatureChoice.OWN_KEY);
        deliver(insider, f.expunged());
        deliver(insider, new PeerMsg.Expunged(RACK, Epoch.of(5), null, null));
        assertUnharmed(before);
    }

    @Test
    void proxiedCommitCallsWithoutTheControlPlanesSignatureAreUnauthorized() {
        Forger f = Forger.deal(RACK, Epoch.of(7), spare, victimAndSpare(), 2, SignatureChoice.OWN_KEY);
        PersistentState before = c.ctx(victim).state();
        assertInstanceOf(NodeError.Unauthorized.class,
                c.node(victim).prepareAndCommit(c.ctx(victim), f.config, Forger.ATTACKER_KEY.signCommit(f.config))
                        .errorOrThrow());
        // A member that prepared epoch 2 is not moved to commit it without the control plane's decision.
        NodeId coord = four.get(0);
        c.coordinate(coord, new ReconfigureRequest(RACK, Epoch.of(2), Epoch.of(1), four, Threshold.of(2)));
        c.run();
        assertInstanceOf(NodeError.Unauthorized.class,
                c.node(victim).commit(c.ctx(victim), RACK, Epoch.of(2), null).errorOrThrow());
        assertFalse(c.ctx(victim).state().isCommitted(Epoch.of(2)));
        assertEquals(before.commits(), c.ctx(victim).state().commits());
    }

    @Test
    void aReconfigurationRequestIsCoordinatedOnlyWithTheControlPlanesSignatureForThisCoordinator() {
        ReconfigureRequest r = new ReconfigureRequest(RACK, Epoch.of(2), Epoch.of(1), four, Threshold.of(2));
        assertInstanceOf(NodeError.Unauthorized.class,
                c.node(victim).coordinateReconfiguration(c.ctx(victim), r).errorOrThrow(), "unsigned");
        assertInstanceOf(NodeError.Unauthorized.class,
                c.node(victim).coordinateReconfiguration(c.ctx(victim), TestAuth.sign(r, four.get(0))).errorOrThrow(),
                "signed for another coordinator");
        assertEquals(null, c.node(victim).coordinatorStatus());
    }

    @Test
    void refusalsAreReportedOncePerPeerButAllCounted() {
        Forger f = Forger.deal(RACK, Epoch.of(99), spare, victimAndSpare(), 2, SignatureChoice.OWN_KEY);
        for (int i = 0; i < 3; i++) {
            deliver(spare, f.prepareFor(victim));
        }
        deliver(four.get(3), new PeerMsg.Expunged(RACK, Epoch.of(5), null, null));
        assertEquals(4, c.ctx(victim).refusedFrames());
        List<Refusal> reported = c.ctx(victim).drainNewRefusals();
        assertEquals(List.of(spare, four.get(3)), reported.stream().map(Refusal::peer).toList());
        assertEquals("Prepare", reported.get(0).kind());
    }

    @Test
    void sharesInsideReceivedMessagesAreWipedAfterUse() {
        Forger f = Forger.deal(RACK, Epoch.of(3), four.get(0), four, 2, SignatureChoice.OWN_KEY);
        PeerMsg.Prepare p = f.prepareFor(victim);
        deliver(four.get(0), p);
        PeerMsg.Share s = new PeerMsg.Share(RACK, Epoch.of(1), f.shares.get(0).copy());
        deliver(four.get(0), s);
        for (int i = 0; i < 32; i++) {
            assertEquals(0, p.share().yAt(i));
            assertEquals(0, s.share().yAt(i));
        }
    }

    @Test
    void aRestartedCoordinatorAnswersTruthfullyInsteadOfAlreadyStarted() {
        NodeId coord = four.get(0);
        ReconfigureRequest r = new ReconfigureRequest(RACK, Epoch.of(2), Epoch.of(1), four, Threshold.of(2));
        c.isolate(four.get(3)); // one member never acks: coordination stays open
        assertTrue(c.coordinate(coord, r).isOk());
        c.run();
        c.restart(coord);
        assertEquals(new NodeError.PreparedEpochMismatch(Epoch.of(2), Epoch.of(2)), c.coordinate(coord, r).errorOrThrow(),
                "nothing coordinates epoch 2 after the restart, so it is not 'already started'");
    }
}
