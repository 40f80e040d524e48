package org.trustquorum.core.engine;

import org.trustquorum.core.TestAuth;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.trustquorum.core.Mutation;
import org.trustquorum.core.TestInvoker;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.PersistentState;
import org.trustquorum.core.msg.ProxyOp;
import org.trustquorum.core.msg.WireMsg;

/**
 * Each guard of the review's race cases, switched off through its {@link Mutation}, makes the
 * scripted test that protects it fail. This is the table of which test catches which guard.
 */
class MutationsBreakGuardsTest {

    static Stream<Arguments> guardTable() {
        return Stream.of(
                Arguments.of(Mutation.TRACK_UNSENT_PROXY_REQUEST, ConnectionEngineTest.class,
                        "aProxyCallToAPeerWithoutConnectionFailsAtOnceWithDisconnected"),
                Arguments.of(Mutation.SILENT_QUEUE_DROP, ReviewRaceCasesTest.Case2FullQueue.class,
                        "aFrameThatDoesNotFitClosesTheConnectionAndFailsItsPendingProxyRequest"),
                Arguments.of(Mutation.IGNORE_HANDLER_EXCEPTION_EXIT, ReviewRaceCasesTest.Case3HandlerException.class,
                        "anExitCausedByAHandlerExceptionDisconnectsThePeerFailsItsRequestsAndRedials"),
                Arguments.of(Mutation.APPLY_STALE_EXIT, ReviewRaceCasesTest.Case4StaleExit.class,
                        "theExitOfAReplacedIncarnationLeavesThePeerConnectedAndTheNewRequestsAlive"),
                Arguments.of(Mutation.APPLY_ABORTED_CONNECT, ReviewRaceCasesTest.Case5EstablishedAfterAbort.class,
                        "anEstablishedEventQueuedBehindTheAbortOfItsIncarnationDoesNotConnectThePeer"),
                Arguments.of(Mutation.KEEP_DUPLICATE_CONNECTION, ReviewRaceCasesTest.Case6DuplicateAccept.class,
                        "exactlyOneEstablishedIncarnationRemainsAndTheOldOneIsClosed"),
                Arguments.of(Mutation.TRACKER_NOT_CLEARED_ON_EXIT, ReviewRaceCasesTest.Case7TrackerClearing.class,
                        "anExitFailsExactlyTheRequestsOfTheExitingIncarnation"),
                Arguments.of(Mutation.TRACKER_NOT_CLEARED_ON_EXIT, ReviewRaceCasesTest.Case1SendIntoLostConnection.class,
                        "aProxyCallIssuedJustBeforeItsIncarnationExitsCompletesWithDisconnected"));
    }

    @AfterEach
    void restore() {
        EngineHarness.mutationForNewHarnesses = Mutation.NONE;
    }

    @ParameterizedTest(name = "{0} is caught by {2}")
    @MethodSource("guardTable")
    void switchingAGuardOffMakesItsTestFail(Mutation mutation, Class<?> testClass, String method) {
        EngineHarness.mutationForNewHarnesses = Mutation.NONE;
        assertDoesNotThrow(() -> TestInvoker.invoke(testClass, method), "the test passes with the guard in place");
        EngineHarness.mutationForNewHarnesses = mutation;
        Throwable failure = assertThrows(Throwable.class, () -> TestInvoker.invoke(testClass, method),
                "the test must fail without the guard of " + mutation);
        assertTrue(failure instanceof AssertionError || failure instanceof IllegalStateException,
                "failed by an assertion or an invariant check, not by accident: " + failure);
    }

    /** Case 8 lives in the node engine: a proxied request is answered, never forwarded. */
    @Test
    void aProxiedRequestIsAnsweredLocallyAndReproxyingIsCaught() {
        assertEquals(0, forwardedProxyRequests(Mutation.NONE));
        assertTrue(forwardedProxyRequests(Mutation.REPROXY_REQUEST) > 0);
    }

    /** Runs two engines; B receives a proxied Status from A; counts ProxyRequest frames B sends. */
    private static int forwardedProxyRequests(Mutation mutation) {
        NodeId a = new NodeId("913-0000019", "A");
        NodeId b = new NodeId("913-0000019", "B");
        PeerAddress addrA = new PeerAddress("10.0.0.1", 1);
        PeerAddress addrB = new PeerAddress("10.0.0.2", 1);
        NodeEngine ea = new NodeEngine(a, addrA, PersistentState.EMPTY, EngineLimits.DEFAULTS, new SplittableRandom(1),
                TestAuth.AUTHORITY);
        NodeEngine eb = new NodeEngine(b, addrB, PersistentState.EMPTY, EngineLimits.DEFAULTS, new SplittableRandom(2),
                TestAuth.AUTHORITY, mutation);
        long incA = ((Output.Accepted) ea.step(new Input.Accept(), 0).afterPersist().get(0)).incarnation();
        long incB = 1;
        eb.step(new Input.PeersChanged(java.util.Set.of(addrA, addrB)), 0);
        ea.step(new Input.ConnEstablished(incA, b), 0);
        eb.step(new Input.ConnEstablished(incB, a), 0);
        Step s = ea.step(new Input.ApiCall(1, new ApiRequest.Proxy(b, new ProxyOp.Status())), 1);
        WireMsg request = null;
        for (Output o : s.afterPersist()) {
            if (o instanceof Output.SendFrame f && f.msg() instanceof WireMsg.ProxyRequest) {
                request = f.msg();
            }
        }
        assertInstanceOf(WireMsg.ProxyRequest.class, request);
        Step answer = eb.step(new Input.FrameReceived(incB, request), 2);
        List<WireMsg> sent = new ArrayList<>();
        for (Output o : answer.afterPersist()) {
            if (o instanceof Output.SendFrame f) {
                sent.add(f.msg());
            }
        }
        assertTrue(sent.stream().anyMatch(m -> m instanceof WireMsg.ProxyResponse), "B answers the request itself");
        return (int) sent.stream().filter(m -> m instanceof WireMsg.ProxyRequest).count();
    }
}
