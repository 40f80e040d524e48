package org.trustquorum.tla;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The JSONL reader, id renumbering and module rendering, without running quint. */
class TraceToQuintTest {

    @Test
    void readsAnEventWithDefaultsForFieldsItDoesNotCarry() throws Exception {
        List<TraceEvent> events = TraceToQuint.parseJsonl("""
                {"kind":"Reconfigure","node":2,"epoch":5,"members":[3,1,2],"k":2,"time":17}

                {"kind":"CpCommit","epoch":5}
                """);
        assertEquals(2, events.size());
        TraceEvent r = events.get(0);
        assertEquals(TraceEvent.Kind.Reconfigure, r.kind());
        assertEquals(2, r.node());
        assertEquals(5, r.epoch());
        assertEquals(List.of(1, 2, 3), new ArrayList<>(r.members()));
        assertEquals(2, r.k());
        assertEquals(0, r.peer());
        assertEquals("", r.reason());
        assertEquals(TraceEvent.of(TraceEvent.Kind.CpCommit).withEpoch(5), events.get(1));
    }

    @Test
    void rejectsMalformedEventsNamingTheLine() {
        assertLineError("{\"kind\":\"Commit\",\"node\":1,\"epoch\":1}\n{\"kind\":\"Teleport\"}", 2, "unknown kind");
        assertLineError("{\"kind\":\"Commit\",\"node\":1}", 1, "needs field 'epoch'");
        assertLineError("{\"kind\":\"Commit\",\"node\":-1,\"epoch\":1}", 1, "non-negative");
        assertLineError("{\"kind\":\"Commit\",\"node\":0,\"epoch\":1}", 1, "start at 1");
        assertLineError("{\"kind\":\"LoadSecret\",\"node\":1,\"epoch\":1,\"members\":[1,1]}", 1, "twice");
        assertLineError("{\"kind\":\"ProxyFail\",\"node\":1,\"req\":1,\"reason\":\"a\\\"b\"}", 1, "'reason'");
        assertLineError("[1,2]", 1, "JSON object");
        assertLineError("{kind", 1, "not JSON");
    }

    private static void assertLineError(String text, int line, String fragment) {
        TraceFormatException e = assertThrows(TraceFormatException.class, () -> TraceToQuint.parseJsonl(text));
        assertEquals(line, e.line());
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }

    @Test
    void renumbersIncarnationsAndRequestsPerNodeAndLife() {
        List<TraceEvent> raw = List.of(
                TraceEvent.of(TraceEvent.Kind.ConnOpen).withNode(1).withPeer(2).withInc(40),
                TraceEvent.of(TraceEvent.Kind.ConnOpen).withNode(2).withPeer(1).withInc(41),
                TraceEvent.of(TraceEvent.Kind.ConnEstablish).withNode(1).withPeer(2).withInc(40),
                TraceEvent.of(TraceEvent.Kind.ProxySend).withNode(1).withPeer(2).withReq(900).withInc(40),
                TraceEvent.of(TraceEvent.Kind.ProxySend).withNode(1).withPeer(3).withReq(901).withInc(0),
                TraceEvent.of(TraceEvent.Kind.Crash).withNode(1),
                TraceEvent.of(TraceEvent.Kind.Restart).withNode(1),
                // after a restart the simulator may reuse raw ids: they are new incarnations/requests
                TraceEvent.of(TraceEvent.Kind.ConnOpen).withNode(1).withPeer(2).withInc(40),
                TraceEvent.of(TraceEvent.Kind.ProxyBusy).withNode(1).withPeer(2).withReq(900),
                // an id never opened still gets its own number (and the spec rejects it)
                TraceEvent.of(TraceEvent.Kind.ConnExit).withNode(2).withInc(99));
        List<TraceEvent> r = TraceToQuint.renumber(raw);
        assertEquals(1, r.get(0).inc());
        assertEquals(1, r.get(1).inc());
        assertEquals(1, r.get(2).inc());
        assertEquals(1, r.get(3).inc());
        assertEquals(1, r.get(3).req());
        assertEquals(0, r.get(4).inc());
        assertEquals(2, r.get(4).req());
        assertEquals(2, r.get(7).inc());
        assertEquals(3, r.get(8).req());
        assertEquals(2, r.get(9).inc());
        assertEquals(raw.get(5), r.get(5));
    }

    @Test
    void rendersChunksImportsAndAFastAndAnExactTest() {
        List<TraceEvent> events = new ArrayList<>();
        for (int i = 1; i <= 2 * TraceToQuint.CHUNK + 3; i++) {
            events.add(TraceEvent.of(TraceEvent.Kind.ConnOpen).withNode(1).withPeer(5).withInc(i));
        }
        String text = TraceToQuint.render("t", "../../spec/TraceReplay", 5, events);
        assertTrue(text.contains("module t {"));
        assertTrue(text.contains("import TraceEvents.* from \"../../spec/TraceReplay\""));
        assertTrue(text.contains("import TraceReplay(TRACE_NODES = 1.to(5)).* from \"../../spec/TraceReplay\""));
        assertTrue(text.contains("pure val E2: List[int]"));
        assertTrue(!text.contains("pure val E3"));
        assertTrue(text.contains("pure val EVENTS: List[int] = [E0, E1, E2].foldl([], (acc, c) => acc.concat(c))"));
        assertTrue(text.contains("run traceTest = replayFast(EVENTS)"));
        assertTrue(text.contains("run traceExact = replay(EVENTS)"));
        // each event is a packed integer followed by a comment that shows it
        assertEquals(events.size(), text.split("// \\d+ ev\\(\"ConnOpen\"", -1).length - 1);
        assertTrue(text.contains(TraceToQuint.pack(events.get(0)) + ", // 0 ev(\"ConnOpen\", 1, 5, 0, 1, 0, 0, Set(), \"\")"));
        assertEquals("ev(\"LoadSecret\", 4, 0, 2, 0, 0, 0, Set(1, 3, 4), \"\")", TraceToQuint.render(
                TraceEvent.of(TraceEvent.Kind.LoadSecret).withNode(4).withEpoch(2).withMembers(Set.of(4, 1, 3))));
    }

    @Test
    void packsNineFieldsOfSixtyFourBitsLowestFirst() {
        TraceEvent e = TraceEvent.of(TraceEvent.Kind.ProxyFail).withNode(3).withReq(7).withReason("invalid");
        BigInteger field = BigInteger.ONE.shiftLeft(TraceToQuint.FIELD_BITS);
        BigInteger expected = BigInteger.valueOf(TraceEvent.Kind.ProxyFail.ordinal())
                .add(BigInteger.valueOf(3).multiply(field))
                .add(BigInteger.valueOf(7).multiply(field.pow(5)))
                .add(BigInteger.valueOf(TraceToQuint.REASONS.indexOf("invalid")).multiply(field.pow(8)));
        assertEquals(expected, TraceToQuint.pack(e));
        BigInteger members = TraceToQuint.pack(TraceEvent.of(TraceEvent.Kind.LoadSecret).withMembers(Set.of(1, 3)));
        assertEquals(BigInteger.valueOf(0b101), members.shiftRight(7 * TraceToQuint.FIELD_BITS)
                .mod(field));
        // reasons the spec does not know (Unmatched) pack as 0
        assertEquals(BigInteger.ZERO, TraceToQuint.pack(TraceEvent.of(TraceEvent.Kind.Unmatched)
                .withReason("something-else")).shiftRight(8 * TraceToQuint.FIELD_BITS));
    }

    @Test
    void namesModulesAndImportPathsForQuint() {
        assertEquals("seed_17_trace", TraceToQuint.moduleName("seed-17.trace.qnt"));
        assertEquals("trace_7", TraceToQuint.moduleName("7.qnt"));
        Path spec = Path.of("/w/tla-traces/spec");
        assertEquals("./TraceReplay", TraceToQuint.importPath(spec, spec));
        assertEquals("../TraceReplay", TraceToQuint.importPath(spec.resolve("examples"), spec));
        assertEquals("../../spec/TraceReplay", TraceToQuint.importPath(Path.of("/w/tla-traces/target/traces"), spec));
        assertEquals(4, TraceToQuint.maxNodeId(List.of(
                TraceEvent.of(TraceEvent.Kind.Reconfigure).withNode(1).withMembers(Set.of(1, 2, 4)))));
    }

    @Test
    void everyKindIsDispatchedByTheReplayHarnessAndPackedByItsOrdinal() {
        Path specDir = QuintRunner.locate(QuintSupport.TIMEOUT).specDir();
        String harness = QuintSupport.read(specDir.resolve("TraceReplay.qnt"));
        for (TraceEvent.Kind kind : TraceEvent.Kind.values()) {
            assertTrue(harness.contains("e.kind == \"" + kind.name() + "\""), "TraceReplay.apply lacks " + kind);
        }
        Matcher kinds = Pattern.compile("pure val KINDS: List\\[str\\] = \\[(.*?)\\]", Pattern.DOTALL).matcher(harness);
        assertTrue(kinds.find(), "TraceReplay.qnt has no KINDS list");
        List<String> listed = new ArrayList<>();
        for (String k : kinds.group(1).split(",")) {
            if (!k.isBlank()) {
                listed.add(k.strip().replace("\"", ""));
            }
        }
        assertEquals(java.util.Arrays.stream(TraceEvent.Kind.values()).map(Enum::name).toList(), listed);
        Matcher reasons = Pattern.compile("pure val REASONS: List\\[str\\] = \\[(.*?)\\]").matcher(harness);
        assertTrue(reasons.find(), "TraceReplay.qnt has no REASONS list");
        assertEquals(TraceToQuint.REASONS.stream().map(r -> "\"" + r + "\"").toList(),
                java.util.Arrays.stream(reasons.group(1).split(",")).map(String::strip).toList());
        assertTrue(harness.contains("pure val FIELD_BITS: int = " + TraceToQuint.FIELD_BITS));
    }
}
