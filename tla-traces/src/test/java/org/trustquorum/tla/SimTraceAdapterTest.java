package org.trustquorum.tla;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.trustquorum.tla.TraceEvent.Kind;

/**
 * The adapter's mapping of each simulator event kind, on small hand-written traces in the
 * simulator's JSONL format (docs/SIMULATOR.md). No quint here.
 */
class SimTraceAdapterTest {

    /** A run of four nodes whose control plane starts epoch 1 with n00..n02, k 2, coordinator n00. */
    private static final String START = """
            {"t":0,"kind":"start","seed":1,"nodes":4,"mutant":"none","rack":"r","initial":["n00","n01","n02"],"threshold":2,"safetyMs":1000}
            {"t":0,"kind":"boot","node":"n00","life":0,"generation":0}
            {"t":0,"kind":"step","node":"n00","input":"peers 4","outputs":0,"persist":false}
            {"t":0,"kind":"cp-log","text":"start epoch 1 coordinator tq-sim:node-00 members 3 k 2"}
            {"t":0,"kind":"cp-call","callId":1,"target":"n00","via":null,"request":"Reconfigure(epoch 1)"}
            """;

    /** The coordinator n00 persists epoch 1; n01 stores the Prepare and acks; n00 records it. */
    private static final String PREPARED = START + """
            {"t":4,"kind":"api-call","node":"n00","replyId":1,"request":"Reconfigure(epoch 1)"}
            {"t":4,"kind":"step","node":"n00","input":"api-call 1 Reconfigure(epoch 1)","outputs":2,"persist":true}
            {"t":4,"kind":"persist","node":"n00","generation":1,"configs":[1],"shares":[1],"commits":[],"expunged":null}
            {"t":4,"kind":"reply","node":"n00","replyId":1,"response":"Reconfigured[result=Ok[value=STARTED]]"}
            {"t":9,"kind":"recv","node":"n01","inc":3,"peer":"n00","msg":"Prepare","epoch":1,"requestId":null}
            {"t":9,"kind":"step","node":"n01","input":"frame inc 3 Prepare","outputs":1,"persist":true}
            {"t":9,"kind":"persist","node":"n01","generation":1,"configs":[1],"shares":[1],"commits":[],"expunged":null}
            {"t":9,"kind":"send","node":"n01","inc":3,"peer":"n00","msg":"PrepareAck","epoch":1,"requestId":null}
            {"t":12,"kind":"recv","node":"n00","inc":2,"peer":"n01","msg":"PrepareAck","epoch":1,"requestId":null}
            {"t":12,"kind":"step","node":"n00","input":"frame inc 2 PrepareAck","outputs":0,"persist":false}
            {"t":13,"kind":"recv","node":"n00","inc":2,"peer":"n01","msg":"PrepareAck","epoch":1,"requestId":null}
            {"t":13,"kind":"step","node":"n00","input":"frame inc 2 PrepareAck","outputs":0,"persist":false}
            """;

    private static List<TraceEvent> events(String jsonl) throws TraceFormatException {
        return SimTraceAdapter.adapt(jsonl).traceEvents();
    }

    private static TraceEvent ev(Kind kind) {
        return TraceEvent.of(kind);
    }

    @Test
    void controlPlaneStartAndCoordinatorPersistGiveReconfigureWithTheRequestedMembers() throws Exception {
        List<TraceEvent> e = events(PREPARED);
        assertEquals(ev(Kind.Reconfigure).withNode(1).withEpoch(1).withMembers(Set.of(1, 2, 3)).withK(2), e.get(0));
    }

    @Test
    void memberPersistAfterAPrepareGivesPrepareAndItsAckGivesAckSent() throws Exception {
        List<TraceEvent> e = events(PREPARED);
        assertEquals(ev(Kind.Prepare).withNode(2).withPeer(1).withEpoch(1), e.get(1));
        assertEquals(ev(Kind.AckSent).withNode(2).withPeer(1).withEpoch(1), e.get(2));
    }

    @Test
    void coordinatorRecordsEachMembersAckOnce() throws Exception {
        List<TraceEvent> e = events(PREPARED);
        assertEquals(ev(Kind.Ack).withNode(1).withPeer(2).withEpoch(1), e.get(3));
        assertEquals(4, e.size(), "the second PrepareAck of n01 changes nothing: " + e);
    }

    @Test
    void acksReachingANodeThatNoLongerCoordinatesAreNotRecorded() throws Exception {
        List<TraceEvent> e = events(START + """
                {"t":4,"kind":"step","node":"n00","input":"api-call 1 Reconfigure(epoch 1)","outputs":1,"persist":true}
                {"t":4,"kind":"persist","node":"n00","generation":1,"configs":[1],"shares":[1],"commits":[],"expunged":null}
                {"t":5,"kind":"crash","node":"n00","life":0,"how":"BETWEEN_EVENTS","downMs":10}
                {"t":15,"kind":"restart","node":"n00","life":1,"generation":1}
                {"t":15,"kind":"step","node":"n00","input":"peers 4","outputs":0,"persist":false}
                {"t":20,"kind":"recv","node":"n00","inc":1,"peer":"n01","msg":"PrepareAck","epoch":1,"requestId":null}
                {"t":20,"kind":"step","node":"n00","input":"frame inc 1 PrepareAck","outputs":0,"persist":false}
                """);
        assertEquals(List.of(Kind.Reconfigure, Kind.Crash, Kind.Restart), e.stream().map(TraceEvent::kind).toList());
    }

    @Test
    void controlPlaneCommitDecisionGivesCpCommitAndCommitPersistsGiveCommit() throws Exception {
        List<TraceEvent> e = events(PREPARED + """
                {"t":500,"kind":"cp-log","text":"commit epoch 1 with 2 acks"}
                {"t":501,"kind":"api-call","node":"n01","replyId":7,"request":"Commit(epoch 1)"}
                {"t":501,"kind":"step","node":"n01","input":"api-call 7 Commit(epoch 1)","outputs":1,"persist":true}
                {"t":501,"kind":"persist","node":"n01","generation":2,"configs":[1],"shares":[1],"commits":[1],"expunged":null}
                {"t":501,"kind":"reply","node":"n01","replyId":7,"response":"Committed[result=Ok[value=COMMITTED]]"}
                """);
        assertEquals(ev(Kind.CpCommit).withEpoch(1), e.get(4));
        assertEquals(ev(Kind.Commit).withNode(2).withEpoch(1), e.get(5));
        assertEquals(6, e.size());
    }

    @Test
    void aConfigWithoutShareStartsPrepareAndCommitAndShareWithCommitAfterSharesIsComputeShare() throws Exception {
        List<TraceEvent> e = events(PREPARED + """
                {"t":500,"kind":"cp-log","text":"commit epoch 1 with 2 acks"}
                {"t":502,"kind":"api-call","node":"n02","replyId":8,"request":"PrepareAndCommit(epoch 1)"}
                {"t":502,"kind":"step","node":"n02","input":"api-call 8 PrepareAndCommit(epoch 1)","outputs":1,"persist":true}
                {"t":502,"kind":"persist","node":"n02","generation":1,"configs":[1],"shares":[],"commits":[],"expunged":null}
                {"t":502,"kind":"reply","node":"n02","replyId":8,"response":"PreparedAndCommitted[result=Ok[value=PENDING]]"}
                {"t":530,"kind":"recv","node":"n02","inc":4,"peer":"n00","msg":"Share","epoch":1,"requestId":null}
                {"t":530,"kind":"step","node":"n02","input":"frame inc 4 Share","outputs":0,"persist":true}
                {"t":530,"kind":"persist","node":"n02","generation":2,"configs":[1],"shares":[1],"commits":[1],"expunged":null}
                """);
        assertEquals(ev(Kind.PrepareAndCommit).withNode(3).withEpoch(1), e.get(5));
        assertEquals(ev(Kind.ComputeShare).withNode(3).withEpoch(1), e.get(6));
        assertEquals(7, e.size());
    }

    @Test
    void aShareComputationRestartedWithoutPersistIsStartedRightBeforeItsResult() throws Exception {
        // n02 stored the config, crashed (its computation is lost), and after the restart a
        // CommitAdvance restarts the computation without a persist (the config is already there).
        List<TraceEvent> e = events(PREPARED + """
                {"t":500,"kind":"cp-log","text":"commit epoch 1 with 2 acks"}
                {"t":502,"kind":"step","node":"n02","input":"api-call 8 PrepareAndCommit(epoch 1)","outputs":1,"persist":true}
                {"t":502,"kind":"persist","node":"n02","generation":1,"configs":[1],"shares":[],"commits":[],"expunged":null}
                {"t":503,"kind":"crash","node":"n02","life":0,"how":"BETWEEN_EVENTS","downMs":10}
                {"t":513,"kind":"restart","node":"n02","life":1,"generation":1}
                {"t":513,"kind":"step","node":"n02","input":"peers 4","outputs":0,"persist":false}
                {"t":530,"kind":"recv","node":"n02","inc":1,"peer":"n00","msg":"Share","epoch":1,"requestId":null}
                {"t":530,"kind":"step","node":"n02","input":"frame inc 1 Share","outputs":0,"persist":true}
                {"t":530,"kind":"persist","node":"n02","generation":2,"configs":[1],"shares":[1],"commits":[1],"expunged":null}
                """);
        assertEquals(List.of(Kind.PrepareAndCommit, Kind.Crash, Kind.Restart, Kind.PrepareAndCommit, Kind.ComputeShare),
                e.subList(5, e.size()).stream().map(TraceEvent::kind).toList());
    }

    @Test
    void aPrepareThatCompletesAComputationGivesPrepareThenCommit() throws Exception {
        List<TraceEvent> e = events(PREPARED + """
                {"t":500,"kind":"cp-log","text":"commit epoch 1 with 2 acks"}
                {"t":502,"kind":"step","node":"n02","input":"api-call 8 PrepareAndCommit(epoch 1)","outputs":1,"persist":true}
                {"t":502,"kind":"persist","node":"n02","generation":1,"configs":[1],"shares":[],"commits":[],"expunged":null}
                {"t":510,"kind":"recv","node":"n02","inc":4,"peer":"n00","msg":"Prepare","epoch":1,"requestId":null}
                {"t":510,"kind":"step","node":"n02","input":"frame inc 4 Prepare","outputs":1,"persist":true}
                {"t":510,"kind":"persist","node":"n02","generation":2,"configs":[1],"shares":[1],"commits":[1],"expunged":null}
                """);
        assertEquals(ev(Kind.Prepare).withNode(3).withPeer(1).withEpoch(1), e.get(6));
        assertEquals(ev(Kind.Commit).withNode(3).withEpoch(1), e.get(7));
    }

    @Test
    void theExpungedMarkerGivesExpunge() throws Exception {
        List<TraceEvent> e = events(PREPARED + """
                {"t":900,"kind":"recv","node":"n01","inc":3,"peer":"n00","msg":"Expunged","epoch":2,"requestId":null}
                {"t":900,"kind":"step","node":"n01","input":"frame inc 3 Expunged","outputs":0,"persist":true}
                {"t":900,"kind":"persist","node":"n01","generation":3,"configs":[1],"shares":[1],"commits":[],"expunged":2}
                """);
        assertEquals(ev(Kind.Expunge).withNode(2).withEpoch(2), e.get(e.size() - 1));
    }

    @Test
    void dialAcceptAndTheEnginesConnectedOutputGiveOpenAndEstablish() throws Exception {
        List<TraceEvent> e = events(START + """
                {"t":0,"kind":"step","node":"n00","input":"timer","outputs":1,"persist":false}
                {"t":0,"kind":"dial","node":"n00","inc":1,"peer":"n03"}
                {"t":2,"kind":"accept","node":"n03","inc":4,"peer":"n00"}
                {"t":2,"kind":"step","node":"n03","input":"accept","outputs":0,"persist":false}
                {"t":10,"kind":"established","node":"n03","inc":4,"peer":"n00","late":false}
                {"t":10,"kind":"step","node":"n03","input":"established inc 4 n00","outputs":1,"persist":false}
                {"t":10,"kind":"trace","node":"n03","what":"conn.connected","detail":"tq-sim:node-00 on incarnation 4"}
                {"t":11,"kind":"established","node":"n03","inc":4,"peer":"n00","late":false}
                {"t":11,"kind":"step","node":"n03","input":"established inc 4 n00","outputs":1,"persist":false}
                {"t":11,"kind":"trace","node":"n03","what":"conn.dropped","detail":"incarnation 4: duplicate established"}
                """);
        assertEquals(List.of(
                ev(Kind.ConnOpen).withNode(1).withPeer(4).withInc(1),
                ev(Kind.ConnOpen).withNode(4).withPeer(1).withInc(4),
                ev(Kind.ConnEstablish).withNode(4).withPeer(1).withInc(4)), e);
    }

    @Test
    void aReplacementEstablishesTheNewIncarnationThenExitsTheOldOne() throws Exception {
        List<TraceEvent> e = events(START + """
                {"t":2,"kind":"accept","node":"n03","inc":4,"peer":"n00"}
                {"t":2,"kind":"step","node":"n03","input":"accept","outputs":0,"persist":false}
                {"t":10,"kind":"established","node":"n03","inc":4,"peer":"n00","late":false}
                {"t":10,"kind":"step","node":"n03","input":"established inc 4 n00","outputs":1,"persist":false}
                {"t":10,"kind":"trace","node":"n03","what":"conn.connected","detail":"tq-sim:node-00 on incarnation 4"}
                {"t":20,"kind":"accept","node":"n03","inc":5,"peer":"n00"}
                {"t":20,"kind":"step","node":"n03","input":"accept","outputs":0,"persist":false}
                {"t":30,"kind":"established","node":"n03","inc":5,"peer":"n00","late":false}
                {"t":30,"kind":"step","node":"n03","input":"established inc 5 n00","outputs":3,"persist":false}
                {"t":30,"kind":"close","node":"n03","inc":4,"peer":"n00","cause":"REPLACED"}
                {"t":30,"kind":"trace","node":"n03","what":"conn.replaced","detail":"tq-sim:node-00: incarnation 4 replaced by 5"}
                {"t":30,"kind":"trace","node":"n03","what":"conn.connected","detail":"tq-sim:node-00 on incarnation 5"}
                {"t":31,"kind":"exited","node":"n03","inc":4,"peer":"n00","cause":"REPLACED","current":false}
                {"t":31,"kind":"step","node":"n03","input":"exited inc 4 REPLACED","outputs":1,"persist":false}
                {"t":31,"kind":"trace","node":"n03","what":"conn.dropped","detail":"incarnation 4: exit for an incarnation that already ended"}
                """);
        assertEquals(List.of(
                ev(Kind.ConnOpen).withNode(4).withPeer(1).withInc(4),
                ev(Kind.ConnEstablish).withNode(4).withPeer(1).withInc(4),
                ev(Kind.ConnOpen).withNode(4).withPeer(1).withInc(5),
                ev(Kind.ConnEstablish).withNode(4).withPeer(1).withInc(5),
                ev(Kind.ConnExit).withNode(4).withInc(4)), e);
    }

    @Test
    void anEngineCloseIsCloseAndExitAndALaterExitOfItIsNothing() throws Exception {
        List<TraceEvent> e = events(START + """
                {"t":0,"kind":"step","node":"n00","input":"timer","outputs":1,"persist":false}
                {"t":0,"kind":"dial","node":"n00","inc":1,"peer":"n03"}
                {"t":9000,"kind":"step","node":"n00","input":"timer","outputs":1,"persist":false}
                {"t":9000,"kind":"close","node":"n00","inc":1,"peer":"n03","cause":"INACTIVITY"}
                {"t":9002,"kind":"exited","node":"n00","inc":1,"peer":"n03","cause":"INACTIVITY","current":false}
                {"t":9002,"kind":"step","node":"n00","input":"exited inc 1 INACTIVITY","outputs":1,"persist":false}
                {"t":9002,"kind":"trace","node":"n00","what":"conn.dropped","detail":"incarnation 1: exit for an incarnation that already ended"}
                {"t":9500,"kind":"step","node":"n00","input":"timer","outputs":1,"persist":false}
                {"t":9500,"kind":"dial","node":"n00","inc":2,"peer":"n03"}
                {"t":9900,"kind":"exited","node":"n00","inc":2,"peer":"n03","cause":"DIAL_FAILED","current":false}
                {"t":9900,"kind":"step","node":"n00","input":"exited inc 2 DIAL_FAILED","outputs":0,"persist":false}
                """);
        assertEquals(List.of(
                ev(Kind.ConnOpen).withNode(1).withPeer(4).withInc(1),
                ev(Kind.ConnClose).withNode(1).withInc(1),
                ev(Kind.ConnExit).withNode(1).withInc(1),
                ev(Kind.ConnOpen).withNode(1).withPeer(4).withInc(2),
                ev(Kind.ConnExit).withNode(1).withInc(2)), e);
    }

    /** n00 is connected to n03 on incarnation 1. */
    private static final String CONNECTED = START + """
            {"t":0,"kind":"step","node":"n00","input":"timer","outputs":1,"persist":false}
            {"t":0,"kind":"dial","node":"n00","inc":1,"peer":"n03"}
            {"t":10,"kind":"established","node":"n00","inc":1,"peer":"n03","late":false}
            {"t":10,"kind":"step","node":"n00","input":"established inc 1 n03","outputs":1,"persist":false}
            {"t":10,"kind":"trace","node":"n00","what":"conn.connected","detail":"tq-sim:node-03 on incarnation 1"}
            """;

    @Test
    void proxyCallsAreSentAnsweredTimedOutOrFailedByTheExitOfTheirIncarnation() throws Exception {
        SimTraceAdapter.Adapted adapted = SimTraceAdapter.adapt(CONNECTED + """
                {"t":20,"kind":"api-call","node":"n00","replyId":5,"request":"Proxy(Status to n03)"}
                {"t":20,"kind":"step","node":"n00","input":"api-call 5 Proxy(Status to n03)","outputs":1,"persist":false}
                {"t":20,"kind":"send","node":"n00","inc":1,"peer":"n03","msg":"ProxyRequest(Status)","epoch":null,"requestId":1}
                {"t":30,"kind":"recv","node":"n00","inc":1,"peer":"n03","msg":"ProxyResponse(Status)","epoch":null,"requestId":1}
                {"t":30,"kind":"step","node":"n00","input":"frame inc 1 ProxyResponse(Status)","outputs":1,"persist":false}
                {"t":30,"kind":"reply","node":"n00","replyId":5,"response":"Proxied[result=Ok[value=Status[status=...]]]"}
                {"t":40,"kind":"api-call","node":"n00","replyId":6,"request":"Proxy(Commit to n03)"}
                {"t":40,"kind":"step","node":"n00","input":"api-call 6 Proxy(Commit to n03)","outputs":1,"persist":false}
                {"t":40,"kind":"send","node":"n00","inc":1,"peer":"n03","msg":"ProxyRequest(Commit)","epoch":null,"requestId":2}
                {"t":41,"kind":"api-call","node":"n00","replyId":7,"request":"Proxy(Status to n03)"}
                {"t":41,"kind":"step","node":"n00","input":"api-call 7 Proxy(Status to n03)","outputs":1,"persist":false}
                {"t":41,"kind":"send","node":"n00","inc":1,"peer":"n03","msg":"ProxyRequest(Status)","epoch":null,"requestId":3}
                {"t":42,"kind":"api-call","node":"n00","replyId":8,"request":"Proxy(Status to n03)"}
                {"t":42,"kind":"step","node":"n00","input":"api-call 8 Proxy(Status to n03)","outputs":1,"persist":false}
                {"t":42,"kind":"send","node":"n00","inc":1,"peer":"n03","msg":"ProxyRequest(Status)","epoch":null,"requestId":4}
                {"t":45,"kind":"recv","node":"n00","inc":1,"peer":"n03","msg":"ProxyResponse(Commit)","epoch":null,"requestId":3}
                {"t":45,"kind":"step","node":"n00","input":"frame inc 1 ProxyResponse(Commit)","outputs":1,"persist":false}
                {"t":45,"kind":"reply","node":"n00","replyId":7,"response":"Proxied[result=Err[error=InvalidResponse[expected=Status, received=Commit]]]"}
                {"t":5040,"kind":"step","node":"n00","input":"timer","outputs":1,"persist":false}
                {"t":5040,"kind":"reply","node":"n00","replyId":6,"response":"Proxied[result=Err[error=Timeout[afterMs=5000]]]"}
                {"t":5050,"kind":"exited","node":"n00","inc":1,"peer":"n03","cause":"ABORTED","current":true}
                {"t":5050,"kind":"step","node":"n00","input":"exited inc 1 ABORTED","outputs":2,"persist":false}
                {"t":5050,"kind":"reply","node":"n00","replyId":8,"response":"Proxied[result=Err[error=Disconnected[destination=tq-sim:node-03]]]"}
                {"t":5050,"kind":"trace","node":"n00","what":"conn.disconnected","detail":"tq-sim:node-03 on incarnation 1"}
                {"t":6000,"kind":"converged","events":99}
                """);
        List<TraceEvent> e = adapted.traceEvents();
        assertEquals("converged", adapted.outcome());
        assertEquals(List.of(
                ev(Kind.ProxySend).withNode(1).withPeer(4).withReq(1).withInc(1),
                ev(Kind.ProxyRespond).withNode(1).withReq(1),
                ev(Kind.ProxySend).withNode(1).withPeer(4).withReq(2).withInc(1),
                ev(Kind.ProxySend).withNode(1).withPeer(4).withReq(3).withInc(1),
                ev(Kind.ProxySend).withNode(1).withPeer(4).withReq(4).withInc(1),
                ev(Kind.ProxyFail).withNode(1).withReq(3).withReason("invalid"),
                ev(Kind.ProxyFail).withNode(1).withReq(2).withReason("timeout"),
                // request 4 completes with the exit (Disconnected): no event of its own
                ev(Kind.ConnExit).withNode(1).withInc(1),
                ev(Kind.Converged)), e.subList(2, e.size()));
    }

    @Test
    void proxyCallsAnsweredAtOnceGetRequestIdsOfTheirOwn() throws Exception {
        List<TraceEvent> e = events(START + """
                {"t":20,"kind":"api-call","node":"n00","replyId":5,"request":"Proxy(Status to n03)"}
                {"t":20,"kind":"step","node":"n00","input":"api-call 5 Proxy(Status to n03)","outputs":2,"persist":false}
                {"t":20,"kind":"reply","node":"n00","replyId":5,"response":"Proxied[result=Err[error=Disconnected[destination=tq-sim:node-03]]]"}
                {"t":20,"kind":"trace","node":"n00","what":"proxy.refused","detail":"..."}
                {"t":21,"kind":"api-call","node":"n00","replyId":6,"request":"Proxy(Status to n03)"}
                {"t":21,"kind":"step","node":"n00","input":"api-call 6 Proxy(Status to n03)","outputs":2,"persist":false}
                {"t":21,"kind":"reply","node":"n00","replyId":6,"response":"Proxied[result=Err[error=Busy[which=LOCAL_QUEUE]]]"}
                """);
        assertEquals(2, e.size());
        assertEquals(Kind.ProxySend, e.get(0).kind());
        assertEquals(0, e.get(0).inc());
        assertEquals(4, e.get(0).peer());
        assertEquals(Kind.ProxyBusy, e.get(1).kind());
        assertTrue(e.get(0).req() != e.get(1).req() && e.get(0).req() > 0 && e.get(1).req() > 0, e::toString);
    }

    @Test
    void aSecretLoadedAnswerLoadsTheLatestCommittedEpochFromTheSharesThatArrived() throws Exception {
        List<TraceEvent> e = events(PREPARED + """
                {"t":500,"kind":"cp-log","text":"commit epoch 1 with 2 acks"}
                {"t":501,"kind":"step","node":"n01","input":"api-call 7 Commit(epoch 1)","outputs":1,"persist":true}
                {"t":501,"kind":"persist","node":"n01","generation":2,"configs":[1],"shares":[1],"commits":[1],"expunged":null}
                {"t":600,"kind":"api-call","node":"n01","replyId":9,"request":"LoadRackSecret(epoch 1)"}
                {"t":600,"kind":"step","node":"n01","input":"api-call 9 LoadRackSecret(epoch 1)","outputs":2,"persist":false}
                {"t":600,"kind":"reply","node":"n01","replyId":9,"response":"Collecting"}
                {"t":610,"kind":"recv","node":"n01","inc":3,"peer":"n00","msg":"Share","epoch":1,"requestId":null}
                {"t":610,"kind":"step","node":"n01","input":"frame inc 3 Share","outputs":0,"persist":false}
                {"t":800,"kind":"api-call","node":"n01","replyId":10,"request":"LoadRackSecret(epoch 1)"}
                {"t":800,"kind":"step","node":"n01","input":"api-call 10 LoadRackSecret(epoch 1)","outputs":1,"persist":false}
                {"t":800,"kind":"reply","node":"n01","replyId":10,"response":"SecretLoaded"}
                {"t":900,"kind":"api-call","node":"n01","replyId":11,"request":"LoadRackSecret(epoch 1)"}
                {"t":900,"kind":"step","node":"n01","input":"api-call 11 LoadRackSecret(epoch 1)","outputs":1,"persist":false}
                {"t":900,"kind":"reply","node":"n01","replyId":11,"response":"SecretLoaded"}
                """);
        assertEquals(ev(Kind.LoadSecret).withNode(2).withEpoch(1).withMembers(Set.of(1, 2)), e.get(e.size() - 1));
        assertEquals(1, e.stream().filter(x -> x.kind() == Kind.LoadSecret).count(), "a secret is loaded once");
    }

    @Test
    void crashesRestartsAndTheEndOfTheRunMapDirectlyAndOtherEventsGiveNothing() throws Exception {
        SimTraceAdapter.Adapted a = SimTraceAdapter.adapt(START + """
                {"t":5,"kind":"entry","what":"crash","detail":"Crash[...]"}
                {"t":5,"kind":"crash","node":"n02","life":0,"how":"BETWEEN_EVENTS","downMs":100}
                {"t":6,"kind":"cp-answer","callId":1,"target":"n00","reply":"Reconfigured(STARTED)"}
                {"t":7,"kind":"lost","node":"n01","inc":1,"peer":"n00","msg":"Ping"}
                {"t":105,"kind":"restart","node":"n02","life":1,"generation":0}
                {"t":105,"kind":"step","node":"n02","input":"peers 4","outputs":0,"persist":false}
                {"t":200,"kind":"heal"}
                {"t":300,"kind":"violation","check":"liveness","message":"not converged"}
                """);
        assertEquals(List.of(ev(Kind.Crash).withNode(3), ev(Kind.Restart).withNode(3)), a.traceEvents());
        assertEquals("violation liveness: not converged", a.outcome());
        assertEquals(4, a.nodes());
    }

    @Test
    void aGracefulShutdownStepIsCoveredByTheCrashThatFollows() throws Exception {
        List<TraceEvent> e = events(CONNECTED + """
                {"t":20,"kind":"step","node":"n00","input":"shutdown","outputs":1,"persist":false}
                {"t":20,"kind":"close","node":"n00","inc":1,"peer":"n03","cause":"SHUTDOWN"}
                {"t":20,"kind":"crash","node":"n00","life":0,"how":"graceful","downMs":100}
                """);
        assertEquals(ev(Kind.Crash).withNode(1), e.get(e.size() - 1));
        assertEquals(3, e.size(), e::toString);
    }

    @Test
    void aProxyCallNeitherSentNorAnsweredMatchesNoAction() throws Exception {
        SimTraceAdapter.Adapted a = SimTraceAdapter.adapt(START + """
                {"t":20,"kind":"api-call","node":"n00","replyId":5,"request":"Proxy(Status to n03)"}
                {"t":20,"kind":"step","node":"n00","input":"api-call 5 Proxy(Status to n03)","outputs":0,"persist":false}
                """);
        assertEquals(0, a.firstUnmatched());
        assertEquals(SimTraceAdapter.PROXY_CALL_NOT_SENT_NOR_ANSWERED, a.events().get(0).event().reason());
        assertEquals("api-call", a.events().get(0).source().kind());
    }

    @Test
    void anExitThatKeepsThePeerConnectedOrLeavesCallsTrackedMatchesNoAction() throws Exception {
        SimTraceAdapter.Adapted a = SimTraceAdapter.adapt(CONNECTED + """
                {"t":20,"kind":"api-call","node":"n00","replyId":5,"request":"Proxy(Status to n03)"}
                {"t":20,"kind":"step","node":"n00","input":"api-call 5 Proxy(Status to n03)","outputs":1,"persist":false}
                {"t":20,"kind":"send","node":"n00","inc":1,"peer":"n03","msg":"ProxyRequest(Status)","epoch":null,"requestId":1}
                {"t":30,"kind":"exited","node":"n00","inc":1,"peer":"n03","cause":"HANDLER_EXCEPTION","current":true}
                {"t":30,"kind":"step","node":"n00","input":"exited inc 1 HANDLER_EXCEPTION","outputs":0,"persist":false}
                """);
        List<String> reasons = a.events().stream().filter(m -> m.event().kind() == Kind.Unmatched)
                .map(m -> m.event().reason()).toList();
        assertEquals(List.of(SimTraceAdapter.EXIT_KEPT_PEER_CONNECTED, SimTraceAdapter.EXIT_COMPLETIONS_DIFFER), reasons);
        assertEquals(ev(Kind.ConnExit).withNode(1).withInc(1), a.events().get(a.firstUnmatched() - 1).event());
    }

    @Test
    void anEstablishedIncarnationThatKeepsItsPredecessorMatchesNoAction() throws Exception {
        SimTraceAdapter.Adapted a = SimTraceAdapter.adapt(CONNECTED + """
                {"t":20,"kind":"step","node":"n00","input":"timer","outputs":1,"persist":false}
                {"t":20,"kind":"dial","node":"n00","inc":2,"peer":"n03"}
                {"t":30,"kind":"established","node":"n00","inc":2,"peer":"n03","late":false}
                {"t":30,"kind":"step","node":"n00","input":"established inc 2 n03","outputs":1,"persist":false}
                {"t":30,"kind":"trace","node":"n00","what":"conn.connected","detail":"tq-sim:node-03 on incarnation 2"}
                """);
        int u = a.firstUnmatched();
        assertEquals(SimTraceAdapter.PREDECESSOR_KEPT, a.events().get(u).event().reason());
        assertEquals(ev(Kind.ConnEstablish).withNode(1).withPeer(4).withInc(2), a.events().get(u - 1).event());
    }

    @Test
    void aRestartThatLoadsLessThanWasPersistedMatchesNoAction() throws Exception {
        SimTraceAdapter.Adapted a = SimTraceAdapter.adapt(PREPARED + """
                {"t":20,"kind":"crash","node":"n01","life":0,"how":"TORN_PERSIST","downMs":10}
                {"t":30,"kind":"restart","node":"n01","life":1,"generation":1}
                {"t":30,"kind":"step","node":"n01","input":"peers 4","outputs":0,"persist":false}
                {"t":40,"kind":"crash","node":"n01","life":1,"how":"BETWEEN_EVENTS","downMs":10}
                {"t":50,"kind":"restart","node":"n01","life":2,"generation":0}
                """);
        assertEquals(List.of(Kind.Crash, Kind.Restart, Kind.Crash, Kind.Restart, Kind.Unmatched),
                a.traceEvents().subList(4, a.traceEvents().size()).stream().map(TraceEvent::kind).toList());
        assertEquals(SimTraceAdapter.RESTART_LOST_STATE, a.traceEvents().get(8).reason());
    }

    @Test
    void malformedSimulatorTracesAreRefusedWithTheirLine() {
        TraceFormatException notJson = assertThrows(TraceFormatException.class, () -> SimTraceAdapter.adapt("{\"t\":1,"));
        assertEquals(1, notJson.line());
        TraceFormatException noStart = assertThrows(TraceFormatException.class, () -> SimTraceAdapter.adapt(START + """
                {"t":4,"kind":"step","node":"n00","input":"api-call 1 Reconfigure(epoch 7)","outputs":1,"persist":true}
                {"t":4,"kind":"persist","node":"n00","generation":1,"configs":[7],"shares":[7],"commits":[],"expunged":null}
                """));
        assertTrue(noStart.getMessage().contains("never logged its start"), noStart.getMessage());
        TraceFormatException orphan = assertThrows(TraceFormatException.class, () -> SimTraceAdapter.adapt(
                "{\"t\":4,\"kind\":\"persist\",\"node\":\"n00\",\"configs\":[],\"shares\":[],\"commits\":[]}"));
        assertTrue(orphan.getMessage().contains("outside an engine step"), orphan.getMessage());
    }
}
