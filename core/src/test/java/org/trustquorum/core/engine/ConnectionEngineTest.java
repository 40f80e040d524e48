package org.trustquorum.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.trustquorum.core.engine.EngineHarness.B;
import static org.trustquorum.core.engine.EngineHarness.C;
import static org.trustquorum.core.engine.EngineHarness.COMMIT;
import static org.trustquorum.core.engine.EngineHarness.COMMITTED;
import static org.trustquorum.core.engine.EngineHarness.GET_SHARE;
import static org.trustquorum.core.engine.EngineHarness.SELF;
import static org.trustquorum.core.engine.EngineHarness.SELF_ADDR;
import static org.trustquorum.core.engine.EngineHarness.STATUS;
import static org.trustquorum.core.engine.EngineHarness.effects;
import static org.trustquorum.core.engine.EngineHarness.only;
import static org.trustquorum.core.engine.EngineHarness.reply;
import static org.trustquorum.core.engine.EngineHarness.replyOk;
import static org.trustquorum.core.engine.EngineHarness.sentProxyRequestId;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.trustquorum.core.Check;
import org.trustquorum.core.api.NodeError;
import org.trustquorum.core.api.NodeStatus;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.msg.ProxyResult;
import org.trustquorum.core.msg.WireMsg;

/** The composed connection engine: routing, proxy outcomes, deadlines, shutdown. */
class ConnectionEngineTest {

    @Test
    void aProxyCallToAPeerWithoutConnectionFailsAtOnceWithDisconnected() {
        EngineHarness h = new EngineHarness();
        assertEquals(List.of(reply(1, new ProxyError.Disconnected(B))), effects(h.proxy(1, B, COMMIT)));
        assertEquals(List.of(reply(2, new ProxyError.Disconnected(SELF))), effects(h.proxy(2, SELF, STATUS)));
    }

    @Test
    void aProxyCallCompletesWithTheDestinationsValueOrItsError() {
        EngineHarness h = new EngineHarness();
        long inc = h.connectInbound(B);
        long ok = sentProxyRequestId(h.proxy(1, B, COMMIT), inc);
        long failed = sentProxyRequestId(h.proxy(2, B, COMMIT), inc);
        long wrongType = sentProxyRequestId(h.proxy(3, B, COMMIT), inc);

        NodeError notPrepared = new NodeError.NotPrepared(Epoch.of(2));
        List<Output> out = new ArrayList<>();
        out.addAll(h.step(new Input.FrameReceived(inc, new WireMsg.ProxyResponse(wrongType,
                EngineHarness.statusResult()))));
        out.addAll(h.step(new Input.FrameReceived(inc, new WireMsg.ProxyResponse(ok, COMMITTED))));
        out.addAll(h.step(new Input.FrameReceived(inc, new WireMsg.ProxyResponse(failed,
                new ProxyResult.Failed(notPrepared)))));
        assertEquals(List.of(reply(3, new ProxyError.InvalidResponse("Commit", "Status")), replyOk(1, COMMITTED),
                reply(2, new ProxyError.Inner(notPrepared))), effects(out));
        assertEquals(0, h.engine.tracker().size());
    }

    @Test
    void anUnansweredProxyCallTimesOutAtItsDeadline() {
        EngineLimits limits = EngineLimits.DEFAULTS.withProxyRequestTimeoutMs(3_000).withPingIntervalMs(60_000)
                .withInactivityTimeoutMs(60_000);
        EngineHarness h = new EngineHarness(limits);
        h.now = 500;
        long inc = h.connectInbound(B);
        long id = sentProxyRequestId(h.proxy(1, B, STATUS), inc);
        assertEquals(3_500, h.engine.nextDeadlineMs(), "the proxy deadline is the earliest");

        assertEquals(List.of(), effects(h.at(3_499, new Input.TimerFired())));
        assertEquals(List.of(reply(1, new ProxyError.Timeout(3_000))), effects(h.at(3_500, new Input.TimerFired())));

        // The late answer is ignored; the connection stays up.
        assertEquals(List.of(), effects(h.step(new Input.FrameReceived(inc, new WireMsg.ProxyResponse(id,
                EngineHarness.statusResult())))));
        assertEquals(List.of(B), h.engine.connectedPeers());
        assertEquals(1, h.engine.tracker().ignoredResponses());
    }

    @Test
    void aFullTrackerRefusesWithBusyLocalQueueAndSendsNothing() {
        EngineHarness h = new EngineHarness(EngineLimits.DEFAULTS.withMaxInFlightProxyRequests(2));
        long inc = h.connectInbound(B);
        sentProxyRequestId(h.proxy(1, B, COMMIT), inc);
        sentProxyRequestId(h.proxy(2, B, COMMIT), inc);
        assertEquals(List.of(reply(3, new ProxyError.Busy(ProxyError.Queue.LOCAL_QUEUE))),
                effects(h.proxy(3, B, COMMIT)));
        assertEquals(2, h.engine.table().queuedFrames(inc));
    }

    @Test
    void shutdownFailsEveryProxyCallWithShutdownAndClosesEveryConnection() {
        EngineHarness h = new EngineHarness();
        long incB = h.connectInbound(B);
        long incC = h.connectInbound(C);
        sentProxyRequestId(h.proxy(1, B, COMMIT), incB);
        sentProxyRequestId(h.proxy(2, C, COMMIT), incC);
        h.takeProtocolEvents();

        List<Output> out = h.step(new Input.Shutdown());
        assertEquals(List.of(reply(1, new ProxyError.Shutdown()), reply(2, new ProxyError.Shutdown()),
                new Output.CloseConn(incB, ExitCause.SHUTDOWN), new Output.CloseConn(incC, ExitCause.SHUTDOWN)),
                effects(out));
        assertEquals(List.of(new ProtocolEvent.PeerDisconnected(B), new ProtocolEvent.PeerDisconnected(C)),
                h.takeProtocolEvents());

        assertEquals(List.of(reply(3, new ProxyError.Shutdown())), effects(h.proxy(3, B, COMMIT)));
        List<Output> acceptOut = new ArrayList<>();
        long late = h.engine.allocateInbound(h.now, acceptOut);
        assertEquals(List.of(new Output.CloseConn(late, ExitCause.SHUTDOWN)), acceptOut);
        assertEquals(List.of(), effects(h.step(new Input.Shutdown())), "a second shutdown is a no-op");
        assertEquals(Long.MAX_VALUE, h.engine.nextDeadlineMs());
    }

    @Test
    void protocolFramesAndApiCallsGoToTheProtocolHook() {
        EngineHarness h = new EngineHarness();
        long inc = h.connectInbound(B);
        assertEquals(List.of(new ProtocolEvent.PeerConnected(B)), h.takeProtocolEvents());
        h.step(new Input.FrameReceived(inc, new WireMsg.Protocol(GET_SHARE)));
        h.step(new Input.FrameReceived(inc, new WireMsg.Ping()));
        h.step(new Input.ApiCall(5, new ApiRequest.Status()));
        h.step(new Input.ApiCall(6, new ApiRequest.LoadRackSecret(Epoch.of(1))));
        assertEquals(List.of(new ProtocolEvent.PeerMessage(B, GET_SHARE),
                new ProtocolEvent.ApiForProtocol(5, new ApiRequest.Status()),
                new ProtocolEvent.ApiForProtocol(6, new ApiRequest.LoadRackSecret(Epoch.of(1)))),
                h.takeProtocolEvents());
    }

    @Test
    void sendProtocolUsesThePeersCurrentIncarnationAndDropsWhenNotConnected() {
        EngineHarness h = new EngineHarness();
        assertEquals(List.of(), only(h.sendProtocol(B, GET_SHARE), Output.SendFrame.class));
        long first = h.connectInbound(B);
        long second = h.connectInbound(B);
        assertTrue(second > first);
        assertEquals(List.of(new Output.SendFrame(second, new WireMsg.Protocol(GET_SHARE))),
                only(h.sendProtocol(B, GET_SHARE), Output.SendFrame.class));
    }

    @Test
    void peersChangedDialsLowerAddressesAndAnEstablishedDialConnectsThePeer() {
        EngineHarness h = new EngineHarness();
        PeerAddress lower = new PeerAddress("fd00::1", 12345);
        PeerAddress higher = new PeerAddress("fd00::9", 12345);
        List<Output> out = h.step(new Input.PeersChanged(Set.of(lower, higher, SELF_ADDR)));
        assertEquals(1, effects(out).size());
        Output.Dial dial = (Output.Dial) effects(out).get(0);
        assertEquals(lower, dial.address());
        h.step(new Input.ConnEstablished(dial.incarnation(), B));
        assertEquals(List.of(B), h.engine.connectedPeers());
        sentProxyRequestId(h.proxy(7, B, COMMIT), dial.incarnation());
        assertEquals(List.of(new NodeStatus.ProxiedRequest(1, B, "Commit")), h.engine.proxiedRequests());
    }

    @Test
    void pingsAndInactivityClosesComeOutOfTheTimer() {
        EngineHarness h = new EngineHarness(EngineLimits.DEFAULTS.withInactivityTimeoutMs(2_500));
        long inc = h.connectInbound(B);
        sentProxyRequestId(h.proxy(1, B, COMMIT), inc);
        assertEquals(List.of(new Output.SendFrame(inc, new WireMsg.Ping())),
                effects(h.at(1_000, new Input.TimerFired())));
        h.step(new Input.FramesFlushed(inc, 2));
        assertEquals(List.of(new Output.SendFrame(inc, new WireMsg.Ping())),
                effects(h.at(2_000, new Input.TimerFired())));
        assertEquals(2_500, h.engine.nextDeadlineMs());
        h.takeProtocolEvents();
        assertEquals(List.of(new Output.CloseConn(inc, ExitCause.INACTIVITY), reply(1,
                new ProxyError.Disconnected(B))), effects(h.at(2_500, new Input.TimerFired())));
        assertEquals(List.of(new ProtocolEvent.PeerDisconnected(B)), h.takeProtocolEvents());
    }

    @Test
    void timeGoingBackwardsIsRefused() {
        EngineHarness h = new EngineHarness();
        h.at(100, new Input.TimerFired());
        h.now = 99;
        assertThrows(IllegalArgumentException.class, () -> h.step(new Input.TimerFired()));
    }

    @Test
    void protocolEventsMustBeDrainedBeforeTheNextInput() {
        ConnectionEngine e = new ConnectionEngine(SELF, SELF_ADDR, EngineLimits.DEFAULTS, new SplittableRandom(1));
        List<Output> out = new ArrayList<>();
        e.handle(new Input.ApiCall(1, new ApiRequest.Status()), 0, out);
        assertThrows(Check.InvariantViolation.class, () -> e.handle(new Input.TimerFired(), 0, out));
        assertEquals(new ProtocolEvent.ApiForProtocol(1, new ApiRequest.Status()), e.pollProtocolEvent());
        assertEquals(null, e.pollProtocolEvent());
        e.handle(new Input.TimerFired(), 0, out);
    }

    @Test
    void theSameSeedAndInputsGiveTheSameOutputs() {
        List<List<Output>> runs = new ArrayList<>();
        for (int run = 0; run < 2; run++) {
            EngineHarness h = new EngineHarness(EngineLimits.DEFAULTS, 42);
            List<Output> all = new ArrayList<>();
            all.addAll(h.step(new Input.PeersChanged(Set.of(new PeerAddress("a", 1), new PeerAddress("b", 1)))));
            for (int i = 0; i < 5; i++) {
                for (Output.Dial d : only(all, Output.Dial.class)) {
                    all.addAll(h.step(new Input.ConnExited(d.incarnation(), ExitCause.DIAL_FAILED)));
                }
                h.now = h.engine.nextDeadlineMs();
                all.addAll(h.step(new Input.TimerFired()));
            }
            runs.add(all);
        }
        assertEquals(runs.get(0), runs.get(1));
    }
}
