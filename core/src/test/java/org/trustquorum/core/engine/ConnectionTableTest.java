package org.trustquorum.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.trustquorum.core.engine.EngineHarness.B;
import static org.trustquorum.core.engine.EngineHarness.C;
import static org.trustquorum.core.engine.EngineHarness.SELF;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.trustquorum.core.Check;
import org.trustquorum.core.msg.WireMsg;

/** The connection table on its own: dial rule, backoff, keepalive, timeouts, deadlines, exit processing. */
class ConnectionTableTest {
    private static final PeerAddress SELF_ADDR = new PeerAddress("10.0.0.5", 7000);
    private static final PeerAddress LOWER = new PeerAddress("10.0.0.1", 7000);
    private static final PeerAddress LOWER_PORT = new PeerAddress("10.0.0.5", 6999);
    private static final PeerAddress HIGHER = new PeerAddress("10.0.0.9", 7000);
    private static final PeerAddress HIGHER_PORT = new PeerAddress("10.0.0.5", 7001);

    private final List<ConnEvent> events = new ArrayList<>();

    private ConnectionTable table(EngineLimits limits, long seed) {
        return new ConnectionTable(SELF, SELF_ADDR, limits, new SplittableRandom(seed));
    }

    private ConnectionTable table() {
        return table(EngineLimits.DEFAULTS, 1);
    }

    private List<ConnEvent> take() {
        List<ConnEvent> all = List.copyOf(events);
        events.clear();
        return all;
    }

    private static List<ConnEvent.DialStarted> dials(List<ConnEvent> events) {
        return events.stream().filter(e -> e instanceof ConnEvent.DialStarted).map(e -> (ConnEvent.DialStarted) e)
                .toList();
    }

    private long dialOnce(ConnectionTable t, PeerAddress to, long now) {
        t.setPeers(Set.of(to), now, events);
        List<ConnEvent.DialStarted> d = dials(take());
        assertEquals(1, d.size());
        return d.get(0).incarnation();
    }

    // --- dial rule --------------------------------------------------------------------------

    @Test
    void onlyAddressesLowerThanOursAreDialedComparingHostThenPort() {
        ConnectionTable t = table();
        t.setPeers(Set.of(HIGHER, LOWER, SELF_ADDR, HIGHER_PORT, LOWER_PORT), 0, events);
        List<ConnEvent.DialStarted> d = dials(take());
        assertEquals(List.of(LOWER, LOWER_PORT), d.stream().map(ConnEvent.DialStarted::address).toList());
        assertEquals(List.of(LOWER, LOWER_PORT), t.dialTargets());
        t.checkInvariants();
    }

    @Test
    void peerAddressOrderIsHostStringThenPort() {
        assertTrue(new PeerAddress("a", 9).compareTo(new PeerAddress("b", 1)) < 0);
        assertTrue(new PeerAddress("a", 1).compareTo(new PeerAddress("a", 2)) < 0);
        assertTrue(new PeerAddress("10.0.0.10", 1).compareTo(new PeerAddress("10.0.0.9", 1)) < 0,
                "plain string comparison, not numeric");
        assertTrue(new PeerAddress("b", 1).dials(new PeerAddress("a", 1)));
        assertFalse(new PeerAddress("a", 1).dials(new PeerAddress("a", 1)));
    }

    @Test
    void anAddressWithALiveIncarnationIsNotDialedAgain() {
        ConnectionTable t = table();
        long inc = dialOnce(t, LOWER, 0);
        t.setPeers(Set.of(LOWER), 10, events);
        t.onTimer(10, events);
        assertEquals(List.of(), dials(take()));
        t.established(inc, B, 20, events);
        t.onTimer(500, events);
        assertEquals(List.of(), dials(take()));
    }

    @Test
    void anAddressWhosePeerIsAlreadyConnectedInboundIsNotDialed() {
        ConnectionTable t = table();
        long dialed = dialOnce(t, LOWER, 0);
        t.established(dialed, B, 0, events);
        long inbound = t.allocateInbound(10, events);
        t.established(inbound, B, 10, events); // replaces the dialed one
        take();
        t.onTimer(5_000, events);
        assertEquals(List.of(), dials(take()), "B is reachable already");
        t.exited(inbound, ExitCause.IO_ERROR, 5_001, events);
        take();
        long at = t.nextDeadlineMs();
        t.onTimer(at, events);
        assertEquals(1, dials(take()).size());
    }

    @Test
    void aPeerRemovedFromTheSetIsNotRedialed() {
        ConnectionTable t = table();
        long inc = dialOnce(t, LOWER, 0);
        t.setPeers(Set.of(), 1, events);
        t.exited(inc, ExitCause.DIAL_FAILED, 2, events);
        take();
        assertEquals(Long.MAX_VALUE, t.nextDeadlineMs());
        t.onTimer(1_000_000, events);
        assertEquals(List.of(), dials(take()));
    }

    @Test
    void aPeerReAddedAfterRemovalIsDialedAtOnce() {
        ConnectionTable t = table();
        long inc = dialOnce(t, LOWER, 0);
        t.exited(inc, ExitCause.DIAL_FAILED, 0, events);
        t.setPeers(Set.of(), 1, events);
        take();
        t.setPeers(Set.of(LOWER), 2, events);
        assertEquals(1, dials(take()).size());
    }

    // --- backoff ------------------------------------------------------------------------------

    @Test
    void backoffCeilingDoublesFromTheBaseAndIsCapped() {
        EngineLimits l = EngineLimits.DEFAULTS;
        List<Long> ceilings = new ArrayList<>();
        for (int n = 1; n <= 8; n++) {
            ceilings.add(ConnectionTable.backoffCeilingMs(l, n));
        }
        assertEquals(List.of(250L, 500L, 1000L, 2000L, 4000L, 5000L, 5000L, 5000L), ceilings);
        assertEquals(5000L, ConnectionTable.backoffCeilingMs(l, Integer.MAX_VALUE));
    }

    @Test
    void consecutiveDialFailuresBackOffWithinTheJitterBoundsAndTheCap() {
        Set<Long> firstDelays = new HashSet<>();
        for (long seed = 1; seed <= 200; seed++) {
            ConnectionTable t = table(EngineLimits.DEFAULTS, seed);
            long now = 0;
            long inc = dialOnce(t, LOWER, now);
            for (int n = 1; n <= 9; n++) {
                t.exited(inc, ExitCause.DIAL_FAILED, now, events);
                take();
                assertEquals(n, t.dialFailures(LOWER));
                long delay = t.nextDialAtMs(LOWER).orElseThrow() - now;
                long ceiling = ConnectionTable.backoffCeilingMs(EngineLimits.DEFAULTS, n);
                assertTrue(delay >= ceiling * 80 / 100 && delay <= Math.min(ceiling * 120 / 100, 5_000),
                        "attempt " + n + ": delay " + delay + " for ceiling " + ceiling);
                if (n == 1) {
                    firstDelays.add(delay);
                }
                assertEquals(now + delay, t.nextDeadlineMs());
                t.onTimer(now + delay - 1, events);
                assertEquals(List.of(), dials(take()), "dialed before the backoff elapsed");
                now += delay;
                t.onTimer(now, events);
                List<ConnEvent.DialStarted> d = dials(take());
                assertEquals(1, d.size());
                inc = d.get(0).incarnation();
                t.checkInvariants();
            }
        }
        assertTrue(firstDelays.size() > 20, "jitter must spread the delays: " + firstDelays);
    }

    @Test
    void theAttemptCounterResetsWhenAConnectionIsEstablished() {
        ConnectionTable t = table();
        long now = 0;
        long inc = dialOnce(t, LOWER, now);
        for (int n = 0; n < 4; n++) {
            t.exited(inc, ExitCause.DIAL_FAILED, now, events);
            take();
            now = t.nextDialAtMs(LOWER).orElseThrow();
            t.onTimer(now, events);
            inc = dials(take()).get(0).incarnation();
        }
        assertEquals(4, t.dialFailures(LOWER));
        t.established(inc, B, now, events);
        assertEquals(0, t.dialFailures(LOWER));
        t.exited(inc, ExitCause.IO_ERROR, now + 50, events);
        long delay = t.nextDialAtMs(LOWER).orElseThrow() - (now + 50);
        assertTrue(delay >= 200 && delay <= 300, "first redial after an established connection: " + delay);
    }

    @Test
    void zeroJitterGivesExactlyTheCeiling() {
        ConnectionTable t = table(EngineLimits.DEFAULTS.withReconnect(100, 1_000, 0), 9);
        long inc = dialOnce(t, LOWER, 0);
        t.exited(inc, ExitCause.DIAL_FAILED, 0, events);
        assertEquals(100, t.nextDialAtMs(LOWER).orElseThrow());
    }

    // --- keepalive and timeouts -------------------------------------------------------------

    @Test
    void anEstablishedConnectionIsPingedEveryPingInterval() {
        ConnectionTable t = table();
        long inc = t.allocateInbound(0, events);
        t.established(inc, B, 0, events);
        take();
        assertEquals(1_000, t.nextDeadlineMs());
        t.onTimer(999, events);
        assertEquals(List.of(), take());
        t.onTimer(1_000, events);
        assertEquals(List.of(new ConnEvent.Sent(inc, new WireMsg.Ping())), take());
        assertEquals(2_000, t.nextDeadlineMs());
        // A late timer does not cause a burst: the next ping is one interval after the late one.
        t.onTimer(2_700, events);
        assertEquals(List.of(new ConnEvent.Sent(inc, new WireMsg.Ping())), take());
        assertEquals(3_700, t.nextDeadlineMs());
    }

    @Test
    void aConnectionWithoutInboundFramesForTheInactivityTimeoutIsClosed() {
        ConnectionTable t = table(EngineLimits.DEFAULTS.withPingIntervalMs(100_000), 1);
        long inc = t.allocateInbound(0, events);
        t.established(inc, B, 0, events);
        assertEquals(B, t.frameReceived(inc, 4_000, events));
        take();
        assertEquals(14_000, t.nextDeadlineMs());
        t.onTimer(13_999, events);
        assertEquals(List.of(), take());
        t.onTimer(14_000, events);
        assertEquals(List.of(new ConnEvent.Closed(inc, ExitCause.INACTIVITY), new ConnEvent.Disconnected(B, inc)),
                take());
        assertFalse(t.isConnected(B));
    }

    @Test
    void pingsAreDueButInactivityStillClosesAQuietConnection() {
        ConnectionTable t = table();
        long inc = t.allocateInbound(0, events);
        t.established(inc, B, 0, events);
        for (long now = 1_000; now < 10_000; now += 1_000) {
            t.onTimer(now, events);
            t.flushed(inc, 1, events);
        }
        assertEquals(9, take().stream().filter(e -> e instanceof ConnEvent.Sent).count());
        t.onTimer(10_000, events);
        assertEquals(new ConnEvent.Closed(inc, ExitCause.INACTIVITY), take().get(0));
    }

    @Test
    void aConnectionThatIsNotEstablishedWithinTheHandshakeTimeoutIsClosed() {
        ConnectionTable t = table(EngineLimits.DEFAULTS.withHandshakeTimeoutMs(3_000), 1);
        long in = t.allocateInbound(100, events);
        assertEquals(3_100, t.nextDeadlineMs());
        t.onTimer(3_099, events);
        assertEquals(List.of(), take());
        t.onTimer(3_100, events);
        assertEquals(List.of(new ConnEvent.Closed(in, ExitCause.INACTIVITY)), take());
        assertEquals(List.of(), t.liveIncarnations());
    }

    @Test
    void tooManyPendingAcceptsAreClosedAtOnce() {
        ConnectionTable t = table(EngineLimits.DEFAULTS.withMaxPendingInboundConnections(2), 1);
        t.allocateInbound(0, events);
        t.allocateInbound(0, events);
        long third = t.allocateInbound(0, events);
        assertEquals(List.of(new ConnEvent.Closed(third, ExitCause.ABORTED)), take());
        t.checkInvariants();
    }

    // --- the next deadline --------------------------------------------------------------------

    @Test
    void nextDeadlineIsTheEarliestOfPingInactivityHandshakeAndRedial() {
        EngineLimits l = EngineLimits.DEFAULTS.withPingIntervalMs(5_000).withInactivityTimeoutMs(3_000)
                .withHandshakeTimeoutMs(2_000).withReconnect(1_000, 1_000, 0);
        ConnectionTable t = table(l, 1);
        assertEquals(Long.MAX_VALUE, t.nextDeadlineMs());
        long est = t.allocateInbound(0, events);
        t.established(est, B, 0, events);
        assertEquals(3_000, t.nextDeadlineMs(), "inactivity before ping");
        t.frameReceived(est, 2_900, events);
        assertEquals(5_000, t.nextDeadlineMs(), "ping before the pushed-back inactivity");
        t.allocateInbound(1_500, events);
        assertEquals(3_500, t.nextDeadlineMs(), "handshake timeout");
        long dial = dialOnce(t, LOWER, 1_600);
        t.exited(dial, ExitCause.DIAL_FAILED, 1_700, events);
        assertEquals(2_700, t.nextDeadlineMs(), "redial");
    }

    // --- exit processing ------------------------------------------------------------------------

    @Test
    void onlyTheFirstExitOfAnIncarnationIsProcessed() {
        ConnectionTable t = table();
        long inc = t.allocateInbound(0, events);
        t.established(inc, B, 0, events);
        take();
        t.exited(inc, ExitCause.IO_ERROR, 1, events);
        assertEquals(List.of(new ConnEvent.Exited(inc, ExitCause.IO_ERROR), new ConnEvent.Disconnected(B, inc)),
                take());
        t.exited(inc, ExitCause.CLEAN_CLOSE, 2, events);
        List<ConnEvent> second = take();
        assertEquals(1, second.size());
        assertTrue(second.get(0) instanceof ConnEvent.Dropped);
    }

    @Test
    void aLocalCloseIsTheExitProcessingAndTheDriversLaterExitIsIgnored() {
        ConnectionTable t = table();
        long inc = t.allocateInbound(0, events);
        t.established(inc, B, 0, events);
        take();
        assertTrue(t.close(inc, ExitCause.DECODE_ERROR, 1, events));
        assertEquals(List.of(new ConnEvent.Closed(inc, ExitCause.DECODE_ERROR), new ConnEvent.Disconnected(B, inc)),
                take());
        t.exited(inc, ExitCause.DECODE_ERROR, 2, events);
        assertTrue(take().get(0) instanceof ConnEvent.Dropped);
    }

    @Test
    void eventsForIncarnationsNeverAllocatedAreDropped() {
        ConnectionTable t = table();
        t.established(77, B, 0, events);
        t.exited(78, ExitCause.IO_ERROR, 0, events);
        assertEquals(null, t.frameReceived(79, 0, events));
        t.flushed(80, 1, events);
        assertEquals(4, take().stream().filter(e -> e instanceof ConnEvent.Dropped).count());
        assertEquals(List.of(), t.connectedPeers());
        assertEquals(4, t.droppedEvents());
    }

    @Test
    void aFrameBeforeTheHandshakeIsDropped() {
        ConnectionTable t = table();
        long inc = t.allocateInbound(0, events);
        assertEquals(null, t.frameReceived(inc, 1, events));
        assertTrue(take().get(0) instanceof ConnEvent.Dropped);
    }

    @Test
    void aFlushReportLargerThanTheQueueIsAnInvariantViolation() {
        ConnectionTable t = table();
        long inc = t.allocateInbound(0, events);
        t.established(inc, B, 0, events);
        t.send(inc, new WireMsg.Ping(), 0, events);
        assertThrows(Check.InvariantViolation.class, () -> t.flushed(inc, 2, events));
    }

    @Test
    void aConnectionToOurselvesIsRefused() {
        ConnectionTable t = table();
        long inc = t.allocateInbound(0, events);
        t.established(inc, SELF, 0, events);
        assertEquals(ConnEvent.Closed.class, take().get(1).getClass());
        assertEquals(List.of(), t.connectedPeers());
    }

    @Test
    void shutdownClosesEverythingAndStopsDialingAndAccepting() {
        ConnectionTable t = table();
        long dial = dialOnce(t, LOWER, 0);
        long est = t.allocateInbound(0, events);
        t.established(est, C, 0, events);
        long pending = t.allocateInbound(0, events);
        take();
        t.shutdown(5, events);
        assertEquals(List.of(new ConnEvent.Closed(dial, ExitCause.SHUTDOWN), new ConnEvent.Closed(est,
                ExitCause.SHUTDOWN), new ConnEvent.Disconnected(C, est), new ConnEvent.Closed(pending,
                        ExitCause.SHUTDOWN)), take());
        long late = t.allocateInbound(6, events);
        assertEquals(List.of(new ConnEvent.Closed(late, ExitCause.SHUTDOWN)), take());
        t.setPeers(Set.of(LOWER), 7, events);
        t.onTimer(100_000, events);
        assertEquals(List.of(), take());
        assertEquals(Long.MAX_VALUE, t.nextDeadlineMs());
        t.checkInvariants();
    }

    @Test
    void sendingOnAFullQueueClosesTheConnectionInsteadOfDroppingTheFrame() {
        ConnectionTable t = table(EngineLimits.DEFAULTS.withOutboundQueueCapacityFrames(4), 1);
        long inc = t.allocateInbound(0, events);
        t.established(inc, B, 0, events);
        take();
        for (int i = 0; i < 4; i++) {
            assertEquals(ConnectionTable.SendResult.SENT, t.send(inc, new WireMsg.Ping(), 0, events));
        }
        assertFalse(t.hasQueueRoom(inc));
        take();
        assertEquals(ConnectionTable.SendResult.CLOSED_ON_OVERFLOW, t.send(inc, new WireMsg.Ping(), 0, events));
        assertEquals(List.of(new ConnEvent.Closed(inc, ExitCause.QUEUE_OVERFLOW), new ConnEvent.Disconnected(B, inc)),
                take());
        assertEquals(ConnectionTable.SendResult.NOT_CONNECTED, t.send(inc, new WireMsg.Ping(), 0, events));
        assertFalse(take().stream().anyMatch(e -> e instanceof ConnEvent.Sent));
    }

    @Test
    void aQueueSmallerThanTheBurstOfANewConnectionIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> EngineLimits.DEFAULTS
                .withOutboundQueueCapacityFrames(EngineLimits.MIN_OUTBOUND_QUEUE_CAPACITY_FRAMES - 1));
    }
}
