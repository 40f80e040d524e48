package org.trustquorum.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.trustquorum.core.engine.EngineHarness.B;
import static org.trustquorum.core.engine.EngineHarness.C;
import static org.trustquorum.core.engine.EngineHarness.COMMIT;
import static org.trustquorum.core.engine.EngineHarness.COMMITTED;
import static org.trustquorum.core.engine.EngineHarness.GET_SHARE;
import static org.trustquorum.core.engine.EngineHarness.SELF_ADDR;
import static org.trustquorum.core.engine.EngineHarness.STATUS;
import static org.trustquorum.core.engine.EngineHarness.effects;
import static org.trustquorum.core.engine.EngineHarness.only;
import static org.trustquorum.core.engine.EngineHarness.reply;
import static org.trustquorum.core.engine.EngineHarness.replyOk;
import static org.trustquorum.core.engine.EngineHarness.sentProxyRequestId;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.trustquorum.core.msg.WireMsg;

/** One test (or a few) per race of DESIGN.md section 4.3, cases 1 to 8, each asserting what its guard ensures. */
class ReviewRaceCasesTest {

    @Nested
    @DisplayName("4.3 case 1: a send into a connection that is already lost")
    class Case1SendIntoLostConnection {
        @Test
        void aProxyCallIssuedJustBeforeItsIncarnationExitsCompletesWithDisconnected() {
            EngineHarness h = new EngineHarness();
            long inc = h.connectInbound(B);
            h.takeProtocolEvents();

            // The driver already lost the socket but has not reported it: the request is sent and tracked.
            List<Output> out = h.proxy(7, B, COMMIT);
            long requestId = sentProxyRequestId(out, inc);
            assertEquals(List.of(), only(out, Output.Reply.class));
            assertEquals(1, h.engine.tracker().size());

            // The exit that must follow the loss answers the call.
            out = h.step(new Input.ConnExited(inc, ExitCause.IO_ERROR));
            assertEquals(List.of(reply(7, new ProxyError.Disconnected(B))), effects(out));
            assertEquals(0, h.engine.tracker().size());
            assertEquals(List.of(new ProtocolEvent.PeerDisconnected(B)), h.takeProtocolEvents());

            // A response that still trickles in afterwards completes nothing a second time.
            out = h.step(new Input.FrameReceived(inc, new WireMsg.ProxyResponse(requestId, COMMITTED)));
            assertEquals(List.of(), effects(out));
        }

        @Test
        void aProtocolSendIntoALostConnectionIsFollowedByTheExitAndNothingIsSentAfterIt() {
            EngineHarness h = new EngineHarness();
            long inc = h.connectInbound(B);

            // Handed to the driver (the table cannot know the socket is gone yet).
            List<Output> out = h.sendProtocol(B, GET_SHARE);
            assertEquals(List.of(new Output.SendFrame(inc, new WireMsg.Protocol(GET_SHARE))), effects(out));

            h.step(new Input.ConnExited(inc, ExitCause.IO_ERROR));
            assertFalse(h.engine.table().isConnected(B));

            out = h.sendProtocol(B, GET_SHARE);
            assertEquals(List.of(), only(out, Output.SendFrame.class));
            out = h.answer(inc, 3, COMMITTED);
            assertEquals(List.of(), only(out, Output.SendFrame.class));
        }
    }

    @Nested
    @DisplayName("4.3 case 2: a full outbound queue")
    class Case2FullQueue {
        private final EngineLimits limits = EngineLimits.DEFAULTS.withOutboundQueueCapacityFrames(4);

        @Test
        void aFrameThatDoesNotFitClosesTheConnectionAndFailsItsPendingProxyRequest() {
            EngineHarness h = new EngineHarness(limits);
            long inc = h.connectInbound(B);
            h.takeProtocolEvents();
            sentProxyRequestId(h.proxy(1, B, STATUS), inc);
            for (int i = 0; i < 3; i++) {
                assertEquals(1, only(h.sendProtocol(B, GET_SHARE), Output.SendFrame.class).size());
            }
            assertEquals(4, h.engine.table().queuedFrames(inc));

            // The fifth frame would exceed the capacity: it is not sent, and the connection is closed.
            List<Output> out = h.sendProtocol(B, GET_SHARE);
            assertEquals(List.of(new Output.CloseConn(inc, ExitCause.QUEUE_OVERFLOW),
                    reply(1, new ProxyError.Disconnected(B))), effects(out));
            assertEquals(List.of(new ProtocolEvent.PeerDisconnected(B)), h.takeProtocolEvents());
            assertFalse(h.engine.table().isConnected(B));
            assertEquals(0, h.engine.tracker().size());

            // Nothing more is ever sent on it, and its exit report changes nothing.
            assertEquals(List.of(), only(h.sendProtocol(B, GET_SHARE), Output.SendFrame.class));
            assertEquals(List.of(), effects(h.step(new Input.ConnExited(inc, ExitCause.CLEAN_CLOSE))));
            assertEquals(List.of(), h.takeProtocolEvents());
        }

        @Test
        void aProxyRequestOnAFullConnectionIsRefusedWithBusyAndNothingIsSent() {
            EngineHarness h = new EngineHarness(limits);
            long inc = h.connectInbound(B);
            for (int i = 0; i < 4; i++) {
                h.sendProtocol(B, GET_SHARE);
            }

            List<Output> out = h.proxy(9, B, COMMIT);
            assertEquals(List.of(reply(9, new ProxyError.Busy(ProxyError.Queue.CONNECTION_QUEUE))), effects(out));
            assertEquals(0, h.engine.tracker().size());
            assertTrue(h.engine.table().isConnected(B), "refusing a request must not close the connection");
            assertEquals(4, h.engine.table().queuedFrames(inc));

            // Once the driver reports a flush there is room again.
            h.step(new Input.FramesFlushed(inc, 1));
            sentProxyRequestId(h.proxy(10, B, COMMIT), inc);
        }
    }

    @Nested
    @DisplayName("4.3 case 3: an exception in a connection handler")
    class Case3HandlerException {
        @Test
        void anExitCausedByAHandlerExceptionDisconnectsThePeerFailsItsRequestsAndRedials() {
            EngineHarness h = new EngineHarness();
            PeerAddress lower = new PeerAddress("fd00::1", 12345);
            List<Output> out = h.step(new Input.PeersChanged(Set.of(lower, SELF_ADDR)));
            long inc = only(out, Output.Dial.class).get(0).incarnation();
            h.step(new Input.ConnEstablished(inc, B));
            h.takeProtocolEvents();
            sentProxyRequestId(h.proxy(4, B, COMMIT), inc);

            h.now = 100;
            out = h.step(new Input.ConnExited(inc, ExitCause.HANDLER_EXCEPTION));
            assertEquals(List.of(reply(4, new ProxyError.Disconnected(B))), effects(out));
            assertEquals(List.of(new ProtocolEvent.PeerDisconnected(B)), h.takeProtocolEvents());
            assertEquals(List.of(), h.engine.table().liveIncarnations());

            // And, like any other exit of a dialed connection, it leads to a redial after the backoff.
            long redialAt = h.engine.nextDeadlineMs();
            assertTrue(redialAt >= 100 + 200 && redialAt <= 100 + 300, "redial at " + redialAt);
            out = h.at(redialAt, new Input.TimerFired());
            assertEquals(1, only(out, Output.Dial.class).size());
        }
    }

    @Nested
    @DisplayName("4.3 case 4: a stale exit after a new connection to the same peer")
    class Case4StaleExit {
        @Test
        void theExitOfAReplacedIncarnationLeavesThePeerConnectedAndTheNewRequestsAlive() {
            EngineHarness h = new EngineHarness();
            long oldInc = h.connectInbound(B);
            sentProxyRequestId(h.proxy(1, B, COMMIT), oldInc);

            long newInc = h.accept();
            List<Output> out = h.step(new Input.ConnEstablished(newInc, B));
            assertEquals(List.of(new Output.CloseConn(oldInc, ExitCause.REPLACED),
                    reply(1, new ProxyError.Disconnected(B))), effects(out));
            long requestId = sentProxyRequestId(h.proxy(2, B, COMMIT), newInc);
            h.takeProtocolEvents();

            // The old incarnation's exit arrives late: it must not touch the peer or the new requests.
            out = h.step(new Input.ConnExited(oldInc, ExitCause.CLEAN_CLOSE));
            assertEquals(List.of(), effects(out));
            assertEquals(List.of(), h.takeProtocolEvents());
            assertEquals(newInc, h.engine.table().currentIncarnation(B).orElseThrow());
            assertEquals(1, h.engine.tracker().size());

            out = h.step(new Input.FrameReceived(newInc, new WireMsg.ProxyResponse(requestId, COMMITTED)));
            assertEquals(List.of(replyOk(2, COMMITTED)), effects(out));
        }
    }

    @Nested
    @DisplayName("4.3 case 5: a queued 'established' from an aborted incarnation")
    class Case5EstablishedAfterAbort {
        @Test
        void anEstablishedEventQueuedBehindTheAbortOfItsIncarnationDoesNotConnectThePeer() {
            EngineHarness h = new EngineHarness();
            long inc = h.accept();
            h.step(new Input.ConnExited(inc, ExitCause.ABORTED));

            List<Output> out = h.step(new Input.ConnEstablished(inc, B));
            assertEquals(List.of(), effects(out));
            assertEquals(List.of(), h.takeProtocolEvents());
            assertFalse(h.engine.table().isConnected(B));
            assertEquals(List.of(reply(3, new ProxyError.Disconnected(B))), effects(h.proxy(3, B, STATUS)));
        }

        @Test
        void anEstablishedEventForAnIncarnationTheTableAlreadyClosedDoesNotConnectThePeer() {
            EngineHarness h = new EngineHarness(EngineLimits.DEFAULTS.withHandshakeTimeoutMs(500));
            long inc = h.accept();
            List<Output> out = h.at(500, new Input.TimerFired());
            assertEquals(List.of(new Output.CloseConn(inc, ExitCause.INACTIVITY)), effects(out));

            out = h.step(new Input.ConnEstablished(inc, B));
            assertEquals(List.of(), effects(out));
            assertEquals(List.of(), h.takeProtocolEvents());
            assertFalse(h.engine.table().isConnected(B));
        }

        @Test
        void anAbortedDialThatStillReportsEstablishedDoesNotConnectThePeer() {
            EngineHarness h = new EngineHarness();
            long inc = only(h.step(new Input.PeersChanged(Set.of(new PeerAddress("fd00::1", 1)))), Output.Dial.class)
                    .get(0).incarnation();
            h.step(new Input.ConnExited(inc, ExitCause.DIAL_FAILED));
            assertEquals(List.of(), effects(h.step(new Input.ConnEstablished(inc, B))));
            assertFalse(h.engine.table().isConnected(B));
        }
    }

    @Nested
    @DisplayName("4.3 case 6: a duplicate accepted connection for an established peer")
    class Case6DuplicateAccept {
        @Test
        void exactlyOneEstablishedIncarnationRemainsAndTheOldOneIsClosed() {
            EngineHarness h = new EngineHarness();
            long first = h.connectInbound(B);
            long second = h.accept();
            h.takeProtocolEvents();

            List<Output> out = h.step(new Input.ConnEstablished(second, B));
            assertEquals(List.of(new Output.CloseConn(first, ExitCause.REPLACED)), effects(out));
            assertEquals(List.of(second), h.engine.table().liveIncarnations());
            assertEquals(second, h.engine.table().currentIncarnation(B).orElseThrow());
            assertEquals(List.of(B), h.engine.connectedPeers());
            // The protocol hears a (re)connect, so it re-sends what it waits for from B.
            assertEquals(List.of(new ProtocolEvent.PeerConnected(B)), h.takeProtocolEvents());

            // Frames on the closed one are ignored; the new one carries traffic.
            assertEquals(List.of(), h.engine.table().state(first).stream().toList());
            h.step(new Input.FrameReceived(first, new WireMsg.Protocol(GET_SHARE)));
            assertEquals(List.of(), h.takeProtocolEvents());
            h.step(new Input.FrameReceived(second, new WireMsg.Protocol(GET_SHARE)));
            assertEquals(List.of(new ProtocolEvent.PeerMessage(B, GET_SHARE)), h.takeProtocolEvents());
        }

        @Test
        void aRepeatedEstablishedEventForTheSameIncarnationChangesNothing() {
            EngineHarness h = new EngineHarness();
            long inc = h.connectInbound(B);
            h.takeProtocolEvents();
            assertEquals(List.of(), effects(h.step(new Input.ConnEstablished(inc, C))));
            assertEquals(List.of(), h.takeProtocolEvents());
            assertEquals(List.of(B), h.engine.connectedPeers());
        }
    }

    @Nested
    @DisplayName("4.3 case 7: the tracker and the exiting incarnation")
    class Case7TrackerClearing {
        @Test
        void anExitFailsExactlyTheRequestsOfTheExitingIncarnation() {
            EngineHarness h = new EngineHarness();
            long incB = h.connectInbound(B);
            long incC = h.connectInbound(C);
            sentProxyRequestId(h.proxy(1, B, COMMIT), incB);
            long onC = sentProxyRequestId(h.proxy(2, C, COMMIT), incC);
            sentProxyRequestId(h.proxy(3, B, STATUS), incB);

            List<Output> out = h.step(new Input.ConnExited(incB, ExitCause.IO_ERROR));
            assertEquals(List.of(reply(1, new ProxyError.Disconnected(B)), reply(3, new ProxyError.Disconnected(B))),
                    effects(out));
            assertEquals(1, h.engine.tracker().size());
            assertEquals(List.of(incC), h.engine.tracker().incarnations());

            out = h.step(new Input.FrameReceived(incC, new WireMsg.ProxyResponse(onC, COMMITTED)));
            assertEquals(List.of(replyOk(2, COMMITTED)), effects(out));
            assertEquals(0, h.engine.tracker().size());
        }

        @Test
        void aResponseArrivingOnAnotherIncarnationThanItsRequestIsIgnored() {
            EngineHarness h = new EngineHarness();
            long incB = h.connectInbound(B);
            long incC = h.connectInbound(C);
            long onB = sentProxyRequestId(h.proxy(1, B, COMMIT), incB);

            assertEquals(List.of(), effects(h.step(new Input.FrameReceived(incC, new WireMsg.ProxyResponse(onB,
                    COMMITTED)))));
            assertEquals(1, h.engine.tracker().ignoredResponses());
            assertEquals(1, h.engine.tracker().size());
        }
    }

    @Nested
    @DisplayName("4.3 case 8: a proxied request is answered, never proxied again")
    class Case8NoReProxy {
        @Test
        void aReceivedProxyRequestGoesToTheLocalProtocolAndOnlyAResponseIsSent() {
            EngineHarness h = new EngineHarness();
            long incB = h.connectInbound(B);
            h.connectInbound(C);
            h.takeProtocolEvents();

            List<Output> out = h.step(new Input.FrameReceived(incB, new WireMsg.ProxyRequest(42, COMMIT)));
            assertEquals(List.of(), only(out, Output.SendFrame.class), "nothing may be forwarded");
            assertEquals(List.of(new ProtocolEvent.ProxiedRequest(incB, B, 42, COMMIT)), h.takeProtocolEvents());
            assertEquals(0, h.engine.tracker().size(), "a received request is not one of ours");

            out = h.answer(incB, 42, COMMITTED);
            assertEquals(List.of(new Output.SendFrame(incB, new WireMsg.ProxyResponse(42, COMMITTED))), effects(out));
        }

        @Test
        void anAnswerForAnIncarnationThatEndedIsDropped() {
            EngineHarness h = new EngineHarness();
            long incB = h.connectInbound(B);
            h.step(new Input.FrameReceived(incB, new WireMsg.ProxyRequest(42, STATUS)));
            h.step(new Input.ConnExited(incB, ExitCause.IO_ERROR));
            long newInc = h.connectInbound(B);

            List<Output> out = h.answer(incB, 42, EngineHarness.statusResult());
            assertEquals(List.of(), only(out, Output.SendFrame.class), "not on the old one, and not on " + newInc);
        }
    }
}
