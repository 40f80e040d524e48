package org.trustquorum.tla;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Trace validation: quint accepts a trace the spec allows, rejects one it forbids, and the
 * reported index is the first forbidden event.
 */
class TraceValidationTest {

    private final QuintRunner quint = QuintSupport.runner();
    private final TraceValidator validator = new TraceValidator(quint);
    private final Path examples = quint.specDir().resolve("examples");

    private List<TraceEvent> example(String name) throws Exception {
        return TraceToQuint.readJsonl(examples.resolve(name + ".jsonl"));
    }

    @Test
    void committedExampleModulesAreTheGeneratorsOutput() throws Exception {
        for (String name : List.of("ok_trace", "bad_trace")) {
            List<TraceEvent> events = TraceToQuint.renumber(example(name));
            String expected = TraceToQuint.render(name, "../TraceReplay", TraceToQuint.maxNodeId(events), events);
            assertEquals(expected, QuintSupport.read(examples.resolve(name + ".qnt")),
                    name + ".qnt is stale: regenerate it with TraceToQuint from " + name + ".jsonl");
        }
    }

    @Test
    void okTraceIsAccepted() {
        TraceVerdict v = validator.check(examples.resolve("ok_trace.qnt"));
        assertEquals(new TraceVerdict.Accepted(), v);
    }

    @Test
    void badTraceIsRejectedAtTheConnectedEventOfAnExitedIncarnation() throws Exception {
        List<TraceEvent> events = example("bad_trace");
        TraceEvent forbidden = events.get(28);
        assertEquals(TraceEvent.Kind.ConnEstablish, forbidden.kind());
        assertEquals(TraceEvent.Kind.ConnExit, events.get(27).kind());
        assertEquals(forbidden.inc(), events.get(27).inc());

        TraceVerdict v = validator.check(examples.resolve("bad_trace.qnt"));
        assertEquals(new TraceVerdict.EventRejected(28), v);
    }

    /** Several scenarios in one module: quint loads the spec once and reports each test. */
    @Test
    void scenariosInOneModuleGetOneVerdictEach() throws Exception {
        Map<String, List<TraceEvent>> traces = new LinkedHashMap<>();
        traces.put("double_exit", doubleExit());
        traces.put("expunged_prepare", expungedNodeGetsAPrepare());
        traces.put("raw_ids", rawSimulatorIdsAcrossARestart());
        Path module = QuintSupport.scratch(quint, "traces").resolve("scenarios.qnt");
        Map<String, TraceVerdict> verdicts = validator.checkAll(traces, module, quint.specDir());
        assertEquals(new TraceVerdict.EventRejected(31), verdicts.get("double_exit"), verdicts::toString);
        assertEquals(new TraceVerdict.EventRejected(14), verdicts.get("expunged_prepare"), verdicts::toString);
        assertEquals(new TraceVerdict.Accepted(), verdicts.get("raw_ids"), verdicts::toString);
    }

    /** The ok trace with one exit repeated a few events later. */
    private List<TraceEvent> doubleExit() throws Exception {
        List<TraceEvent> events = new ArrayList<>(example("ok_trace"));
        TraceEvent exit = events.get(27);
        assertEquals(TraceEvent.Kind.ConnExit, exit.kind());
        events.add(31, exit);
        return events;
    }

    /** Node 3 is expunged at epoch 2, then a later configuration lists it and sends it a Prepare. */
    private static List<TraceEvent> expungedNodeGetsAPrepare() {
        return List.of(
                reconfigure(1, 1, Set.of(1, 2, 3), 2),
                TraceEvent.of(TraceEvent.Kind.Prepare).withNode(2).withPeer(1).withEpoch(1),
                TraceEvent.of(TraceEvent.Kind.Prepare).withNode(3).withPeer(1).withEpoch(1),
                TraceEvent.of(TraceEvent.Kind.Ack).withNode(1).withPeer(2).withEpoch(1),
                TraceEvent.of(TraceEvent.Kind.CpCommit).withEpoch(1),
                TraceEvent.of(TraceEvent.Kind.Commit).withNode(1).withEpoch(1),
                TraceEvent.of(TraceEvent.Kind.Commit).withNode(2).withEpoch(1),
                reconfigure(1, 2, Set.of(1, 2, 4), 2),
                TraceEvent.of(TraceEvent.Kind.Prepare).withNode(2).withPeer(1).withEpoch(2),
                TraceEvent.of(TraceEvent.Kind.Ack).withNode(1).withPeer(2).withEpoch(2),
                TraceEvent.of(TraceEvent.Kind.CpCommit).withEpoch(2),
                TraceEvent.of(TraceEvent.Kind.Commit).withNode(1).withEpoch(2),
                TraceEvent.of(TraceEvent.Kind.Expunge).withNode(3).withEpoch(2),
                reconfigure(1, 3, Set.of(1, 2, 3), 2),
                TraceEvent.of(TraceEvent.Kind.Prepare).withNode(3).withPeer(1).withEpoch(3));
    }

    /** Arbitrary simulator ids, reused after a restart: renumbering makes them what the spec wants. */
    private static List<TraceEvent> rawSimulatorIdsAcrossARestart() {
        List<TraceEvent> life = List.of(
                TraceEvent.of(TraceEvent.Kind.ConnOpen).withNode(1).withPeer(2).withInc(101),
                TraceEvent.of(TraceEvent.Kind.ConnEstablish).withNode(1).withPeer(2).withInc(101),
                TraceEvent.of(TraceEvent.Kind.ProxySend).withNode(1).withPeer(2).withReq(77).withInc(101));
        List<TraceEvent> events = new ArrayList<>(life);
        events.add(TraceEvent.of(TraceEvent.Kind.Crash).withNode(1));
        events.add(TraceEvent.of(TraceEvent.Kind.Restart).withNode(1));
        events.addAll(life);
        events.add(TraceEvent.of(TraceEvent.Kind.ProxyRespond).withNode(1).withReq(77));
        events.add(TraceEvent.of(TraceEvent.Kind.ConnExit).withNode(1).withInc(101));
        return events;
    }

    @Test
    void brokenInvariantIsReportedAfterTheEventThatBrokeIt() throws IOException {
        // A spec whose ConnClose drops the incarnation without an exit (mutant close_without_exit):
        // the close is allowed there, but incarnationsEndWithExit fails right after it.
        SpecMutant mutant = SpecMutant.ALL.stream().filter(m -> m.name().equals("close_without_exit"))
                .findFirst().orElseThrow();
        Path root = QuintSupport.scratch(quint, "trace-on-mutant");
        Path specDir = root.resolve("spec");
        Files.createDirectories(specDir);
        String spec = QuintSupport.read(quint.specDir().resolve("TrustQuorum.qnt"));
        Files.writeString(specDir.resolve("TrustQuorum.qnt"), mutant.apply(spec), StandardCharsets.UTF_8);
        Files.copy(quint.specDir().resolve("TraceReplay.qnt"), specDir.resolve("TraceReplay.qnt"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        List<TraceEvent> events = List.of(
                TraceEvent.of(TraceEvent.Kind.ConnOpen).withNode(2).withPeer(1).withInc(7),
                TraceEvent.of(TraceEvent.Kind.ConnEstablish).withNode(2).withPeer(1).withInc(7),
                TraceEvent.of(TraceEvent.Kind.ConnClose).withNode(2).withInc(7),
                TraceEvent.of(TraceEvent.Kind.ConnExit).withNode(2).withInc(7));
        TraceVerdict v = validator.check(events, root.resolve("traces").resolve("close.qnt"), specDir);
        assertInstanceOf(TraceVerdict.InvariantViolated.class, v, v::toString);
        assertEquals(new TraceVerdict.InvariantViolated(2), v);
    }

    private static TraceEvent reconfigure(int coord, long epoch, Set<Integer> members, int k) {
        return TraceEvent.of(TraceEvent.Kind.Reconfigure).withNode(coord).withEpoch(epoch).withMembers(members).withK(k);
    }
}
