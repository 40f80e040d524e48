package org.trustquorum.sim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trustquorum.core.Mutation;
import org.trustquorum.sim.json.Json;
import org.trustquorum.sim.shrink.RegressionFile;
import picocli.CommandLine;

/** The command-line contract of DESIGN.md §9, exercised in process. */
class CliTest {
    record Ran(int exit, String out, String err) {
        List<String> lines() {
            return Arrays.asList(out.split("\n"));
        }

        String last() {
            List<String> l = lines();
            return l.get(l.size() - 1);
        }
    }

    static Ran run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = SimMain.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Ran(exit, out.toString(), err.toString());
    }

    @Test
    void listMutantsPrintsOneLinePerMutantWithItsDescription() {
        Ran r = run("sim", "--list-mutants");
        assertEquals(0, r.exit());
        assertEquals(Mutation.values().length - 1, r.lines().size());
        for (Mutation m : Mutation.values()) {
            if (m != Mutation.NONE) {
                assertTrue(r.out().contains(m.cliName() + "  " + m.description()), m.cliName());
            }
        }
    }

    @Test
    void aPassingCampaignEndsWithTheSummaryLineAndExitsZero() {
        Ran r = run("sim", "--seeds", "6", "--first-seed", "0x10");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.last().matches("6 seeds: 6 passed, 0 failed \\(\\d+ events, \\d+ events/s\\)"), r.last());
    }

    @Test
    void aFailingCampaignPrintsEachFailureWithItsReplayCommandAndExitsOne() {
        Ran r = run("sim", "--seeds", "3", "--mutant", "reply-before-persist", "--nodes", "5", "--faults", "light");
        assertEquals(1, r.exit());
        assertTrue(r.last().startsWith("3 seeds: 0 passed, 3 failed ("), r.last());
        assertTrue(r.out().contains("check:   acked-prepare-durable"));
        String replay = r.lines().stream().filter(l -> l.trim().startsWith("replay:")).findFirst().orElseThrow();
        assertTrue(replay.contains("./tq replay --seed 1 --nodes 5 --faults light --mutant reply-before-persist"), replay);
    }

    @Test
    void thePrintedReplayCommandReproducesTheFailureWithTheSameDigest() {
        Ran campaign = run("sim", "--seeds", "2", "--first-seed", "7", "--mutant", "ack-prepare-without-persist");
        String replay = campaign.lines().stream().filter(l -> l.trim().startsWith("replay:")).findFirst().orElseThrow();
        String[] args = replay.trim().substring("replay:".length()).trim().replace("./tq ", "").split(" +");
        Ran a = run(args);
        Ran b = run(args);
        assertEquals(1, a.exit());
        assertTrue(a.out().contains("outcome: FAILED acked-prepare-durable"), a.out());
        String digest = a.lines().stream().filter(l -> l.startsWith("digest: ")).findFirst().orElseThrow();
        assertTrue(digest.matches("digest: [0-9a-f]{64}"), digest);
        assertTrue(b.out().contains(digest));
    }

    @Test
    void replayOfAPassingSeedPrintsTheSeedTheOptionsAndTheDigestAndExitsZero() {
        Ran r = run("replay", "--seed", "0x2a", "--faults", "heavy");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().startsWith("seed: 42 (0x2a)\n"), r.out());
        assertTrue(r.out().contains("options: 8 nodes, faults heavy, mutant none"));
        assertTrue(r.out().contains("drawn mix: safetyMs="));
        assertTrue(r.last().startsWith("digest: "));
    }

    @Test
    void replayWritesTheEventsFilesTheSpecTraceAndTheTimeline(@TempDir Path dir) throws Exception {
        Path events = dir.resolve("e.txt");
        Path eventsJson = dir.resolve("e.jsonl");
        Path trace = dir.resolve("t.jsonl");
        Path timeline = dir.resolve("t.html");
        Ran r = run("replay", "--seed", "5", "--nodes", "4", "--events", events.toString(), "--events-json",
                eventsJson.toString(), "--trace", trace.toString(), "--timeline", timeline.toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        List<String> lines = Files.readAllLines(events);
        assertTrue(lines.get(0).startsWith("0 start seed=5 nodes=4"), lines.get(0));
        assertTrue(lines.get(lines.size() - 1).contains(" converged "), lines.get(lines.size() - 1));
        assertEquals(lines.size(), Files.readAllLines(eventsJson).size(), "one JSON object per event line");
        List<String> spec = Files.readAllLines(trace);
        assertTrue(spec.get(spec.size() - 1).contains("\"kind\":\"Converged\""), spec.get(spec.size() - 1));
        String html = Files.readString(timeline);
        assertTrue(html.startsWith("<!doctype html>") && html.contains("tq timeline: seed 5, 4 nodes, swarm: passed")
                && html.endsWith("</html>\n"));
    }

    @Test
    void usageErrorsExitTwo() {
        assertEquals(2, run("sim", "--faults", "bogus").exit());
        assertEquals(2, run("sim", "--nodes", "33").exit());
        assertEquals(2, run("sim", "--mutant", "no-such-mutant").exit());
        assertEquals(2, run("sim", "--first-seed", "0xZZ").exit());
        assertEquals(2, run("replay").exit());
        assertEquals(2, run("sim", "--no-such-option").exit());
    }

    @Test
    void theJsonSummaryHasTheAgreedFields(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("summary.json");
        Ran r = run("sim", "--seeds", "2", "--mutant", "reproxy-request", "--json", json.toString());
        assertEquals(1, r.exit());
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) Json.parse(Files.readString(json));
        for (String k : List.of("seeds", "passed", "failed", "events", "eventsPerSecond", "wallSeconds", "options",
                "failures")) {
            assertTrue(m.containsKey(k), k);
        }
        assertEquals(2L, m.get("seeds"));
        List<?> failures = (List<?>) m.get("failures");
        assertEquals(m.get("failed"), (long) failures.size());
        Map<?, ?> f = (Map<?, ?>) failures.get(0);
        assertTrue(f.containsKey("seed") && f.containsKey("check") && f.containsKey("message") && f.containsKey("replay"));
    }

    @Test
    void traceDirGetsOneSpecTracePerSeed(@TempDir Path dir) throws Exception {
        Ran r = run("sim", "--seeds", "3", "--nodes", "4", "--faults", "none", "--trace-dir", dir.toString());
        assertEquals(0, r.exit());
        for (long s = 1; s <= 3; s++) {
            Path f = dir.resolve("seed-" + s + ".jsonl");
            assertTrue(Files.size(f) > 0, f.toString());
            List<String> lines = Files.readAllLines(f);
            assertTrue(lines.get(0).startsWith("{\"t\":0,\"kind\":\"ConnOpen\""), lines.get(0));
            assertEquals("{", lines.get(lines.size() - 1).substring(0, 1));
            assertTrue(lines.get(lines.size() - 1).contains("\"kind\":\"Converged\""));
        }
    }

    @Test
    void shrinkingSavesARegressionFileThatReplays(@TempDir Path dir) throws Exception {
        Ran r = run("replay", "--seed", "1", "--mutant", "reply-before-persist", "--shrink", "--save", "example",
                "--save-dir", dir.toString(), "--max-runs", "80");
        assertEquals(1, r.exit());
        assertTrue(r.out().contains("shrink: before: "), r.out());
        assertTrue(r.out().matches("(?s).*shrink: after:  \\d+ events to failure, \\d+ nodes, \\d+ entries, \\d+ fault kinds.*"),
                r.out());
        Path file = dir.resolve("example.json");
        RegressionFile reg = RegressionFile.read(file);
        assertEquals("acked-prepare-durable", reg.expectedCheck());
        assertEquals(Mutation.REPLY_BEFORE_PERSIST, reg.spec().mutant());
        Ran again = run("replay", "--schedule", file.toString());
        assertEquals(1, again.exit());
        assertTrue(again.out().contains("outcome: FAILED acked-prepare-durable"));
        Ran honest = run("replay", "--schedule", file.toString(), "--mutant", "none");
        assertEquals(0, honest.exit(), honest.out());
    }

    @Test
    void shrinkReportTabulatesShrunkRunsReplayedFromTheirFiles(@TempDir Path dir) throws Exception {
        Ran r = run("shrink-report", "--mutant", "reproxy-request", "--failing-seeds", "1", "--save-dir",
                dir.toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("reproxy-request seed 1: proxy-request-has-call 1216 -> "), r.out());
        assertTrue(r.out().contains("| `reproxy-request` | 1 | 1,216 | "), r.out());
        assertTrue(r.last().startsWith("1 shrunk runs, 1 replay from their files with the original check"), r.last());
        assertTrue(r.last().endsWith("target met"), r.last());
        assertTrue(Files.exists(dir.resolve("reproxy-request-seed-1.json")));

        // A mutant caught at the first prepare cannot lose 90% of its few events: the target is missed.
        Ran early = run("shrink-report", "--mutant", "reply-before-persist", "--failing-seeds", "1", "--save-dir",
                dir.toString());
        assertEquals(1, early.exit(), early.out());
        assertTrue(early.last().endsWith("TARGET MISSED"), early.last());
    }
}
