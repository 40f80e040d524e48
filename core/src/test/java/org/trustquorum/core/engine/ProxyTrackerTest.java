package org.trustquorum.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.trustquorum.core.engine.EngineHarness.B;
import static org.trustquorum.core.engine.EngineHarness.C;
import static org.trustquorum.core.engine.EngineHarness.COMMIT;
import static org.trustquorum.core.engine.EngineHarness.COMMITTED;
import static org.trustquorum.core.engine.EngineHarness.STATUS;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.trustquorum.core.Check;
import org.trustquorum.core.api.NodeError;
import org.trustquorum.core.model.Configuration;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.Result;
import org.trustquorum.core.msg.ProxyOp;
import org.trustquorum.core.msg.ProxyResult;

/** The proxy tracker on its own. */
class ProxyTrackerTest {
    private final List<ProxyTracker.Completion> done = new ArrayList<>();

    private static Result<ProxyResult, ProxyError> err(ProxyError e) {
        return Result.err(e);
    }

    @Test
    void requestIdsAreFreshAndMonotonic() {
        ProxyTracker t = new ProxyTracker(EngineLimits.DEFAULTS);
        long a = t.register(1, B, 5, COMMIT, 0);
        long b = t.register(1, B, 5, COMMIT, 0);
        long c = t.register(2, C, 6, STATUS, 0);
        assertTrue(a < b && b < c);
        t.checkInvariants();
    }

    @Test
    void aResponseCompletesItsRequestOnlyOnItsIncarnationAndOnlyOnce() {
        ProxyTracker t = new ProxyTracker(EngineLimits.DEFAULTS);
        long id = t.register(10, B, 5, COMMIT, 0);
        assertEquals(Optional.empty(), t.onResponse(6, id, COMMITTED), "wrong incarnation");
        assertEquals(Optional.empty(), t.onResponse(5, id + 100, COMMITTED), "unknown id");
        assertEquals(Optional.of(new ProxyTracker.Completion(10, id, Result.ok(COMMITTED))),
                t.onResponse(5, id, COMMITTED));
        assertEquals(Optional.empty(), t.onResponse(5, id, COMMITTED), "duplicate");
        assertEquals(3, t.ignoredResponses());
        assertEquals(0, t.size());
        t.checkInvariants();
    }

    @Test
    void theDestinationsOwnErrorIsReturnedAsInner() {
        ProxyTracker t = new ProxyTracker(EngineLimits.DEFAULTS);
        long id = t.register(10, B, 5, COMMIT, 0);
        NodeError notPrepared = new NodeError.NotPrepared(Epoch.of(2));
        assertEquals(err(new ProxyError.Inner(notPrepared)),
                t.onResponse(5, id, new ProxyResult.Failed(notPrepared)).orElseThrow().outcome());
    }

    @Test
    void anAnswerOfTheWrongTypeIsAnInvalidResponseNamingBothTypes() {
        assertEquals(err(new ProxyError.InvalidResponse("Commit", "Status")),
                ProxyTracker.interpret(COMMIT, EngineHarness.statusResult()));
        assertEquals(err(new ProxyError.InvalidResponse("Status", "Commit")),
                ProxyTracker.interpret(STATUS, COMMITTED));
        ProxyOp prepareAndCommit = new ProxyOp.PrepareAndCommit(sampleConfig(), null);
        assertEquals(Result.ok(COMMITTED), ProxyTracker.interpret(prepareAndCommit, COMMITTED));
        assertEquals(err(new ProxyError.InvalidResponse("Commit", "Status")),
                ProxyTracker.interpret(prepareAndCommit, EngineHarness.statusResult()));
        assertEquals(Result.ok(EngineHarness.statusResult()),
                ProxyTracker.interpret(STATUS, EngineHarness.statusResult()));
    }

    @Test
    void aFailureOfAKindTheOperationCannotReturnIsAnInvalidResponseNotAnInnerError() {
        NodeError notPrepared = new NodeError.NotPrepared(Epoch.of(2));
        NodeError notAMember = new NodeError.NotAMember(Epoch.of(2));
        ProxyOp prepareAndCommit = new ProxyOp.PrepareAndCommit(sampleConfig(), null);
        // A status request is never answered with an error.
        assertEquals(err(new ProxyError.InvalidResponse("Status", "Failed(NotPrepared)")),
                ProxyTracker.interpret(STATUS, new ProxyResult.Failed(notPrepared)));
        // NotAMember belongs to prepare-and-commit only, NotPrepared to commit only.
        assertEquals(err(new ProxyError.InvalidResponse("Commit", "Failed(NotAMember)")),
                ProxyTracker.interpret(COMMIT, new ProxyResult.Failed(notAMember)));
        assertEquals(err(new ProxyError.InvalidResponse("Commit", "Failed(NotPrepared)")),
                ProxyTracker.interpret(prepareAndCommit, new ProxyResult.Failed(notPrepared)));
        // The right kinds stay the destination's own errors.
        assertEquals(err(new ProxyError.Inner(notPrepared)), ProxyTracker.interpret(COMMIT, new ProxyResult.Failed(notPrepared)));
        assertEquals(err(new ProxyError.Inner(notAMember)),
                ProxyTracker.interpret(prepareAndCommit, new ProxyResult.Failed(notAMember)));
    }

    @Test
    void failingAnIncarnationFailsExactlyItsRequestsWithDisconnected() {
        ProxyTracker t = new ProxyTracker(EngineLimits.DEFAULTS);
        long b1 = t.register(1, B, 5, COMMIT, 0);
        long c1 = t.register(2, C, 6, COMMIT, 0);
        long b2 = t.register(3, B, 5, STATUS, 0);
        long b3 = t.register(4, B, 7, STATUS, 0); // same peer, another incarnation
        t.failIncarnation(5, done);
        assertEquals(List.of(new ProxyTracker.Completion(1, b1, err(new ProxyError.Disconnected(B))),
                new ProxyTracker.Completion(3, b2, err(new ProxyError.Disconnected(B)))), done);
        assertEquals(List.of(6L, 7L), t.incarnations());
        assertEquals(List.of(c1, b3), t.inFlight().stream().map(ProxyTracker.Request::requestId).toList());
        t.checkInvariants();
    }

    @Test
    void requestsExpireAtTheirDeadlineInDeadlineOrder() {
        ProxyTracker t = new ProxyTracker(EngineLimits.DEFAULTS.withProxyRequestTimeoutMs(1_000));
        long late = t.register(1, B, 5, COMMIT, 300);
        long early = t.register(2, C, 6, COMMIT, 100);
        assertEquals(1_100, t.nextDeadlineMs());
        t.expire(1_099, done);
        assertEquals(List.of(), done);
        t.expire(1_300, done);
        assertEquals(List.of(new ProxyTracker.Completion(2, early, err(new ProxyError.Timeout(1_200))),
                new ProxyTracker.Completion(1, late, err(new ProxyError.Timeout(1_000)))), done);
        assertEquals(Long.MAX_VALUE, t.nextDeadlineMs());
        assertEquals(0, t.size());
    }

    @Test
    void theTrackerIsBoundedAndRegisteringBeyondTheBoundIsABug() {
        ProxyTracker t = new ProxyTracker(EngineLimits.DEFAULTS.withMaxInFlightProxyRequests(2));
        t.register(1, B, 5, COMMIT, 0);
        t.register(2, B, 5, COMMIT, 0);
        assertTrue(t.isFull());
        assertThrows(Check.InvariantViolation.class, () -> t.register(3, B, 5, COMMIT, 0));
    }

    @Test
    void failAllEmptiesTheTracker() {
        ProxyTracker t = new ProxyTracker(EngineLimits.DEFAULTS);
        t.register(1, B, 5, COMMIT, 0);
        t.register(2, C, 6, COMMIT, 0);
        t.failAll(new ProxyError.Shutdown(), done);
        assertEquals(2, done.size());
        assertTrue(done.stream().allMatch(d -> d.outcome().equals(err(new ProxyError.Shutdown()))));
        assertEquals(0, t.size());
        assertEquals(List.of(), t.incarnations());
        assertEquals(2, t.completedCount());
    }

    @Test
    void theCrossCheckRejectsARequestWaitingOnAConnectionThatIsNotEstablished() {
        ProxyTracker t = new ProxyTracker(EngineLimits.DEFAULTS);
        t.register(1, B, 5, COMMIT, 0);
        t.checkInvariants(inc -> inc == 5 ? B : null);
        assertThrows(Check.InvariantViolation.class, () -> t.checkInvariants(inc -> null));
        assertThrows(Check.InvariantViolation.class, () -> t.checkInvariants(inc -> C));
    }

    static Configuration sampleConfig() {
        var members = new ArrayList<org.trustquorum.core.model.Member>();
        for (String s : List.of("A", "B", "C")) {
            members.add(new org.trustquorum.core.model.Member(new org.trustquorum.core.model.NodeId("p", s),
                    new org.trustquorum.core.model.Sha3Digest(new byte[32])));
        }
        return new Configuration(EngineHarness.RACK, Epoch.of(2), members.get(0).id(), members,
                new org.trustquorum.core.model.Threshold(2), null, null);
    }
}
