package org.trustquorum.sim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands that show a run: --timeline, --step, and the campaign report. */
class ViewCliTest {

    private static String digest(CliTest.Ran r) {
        return r.lines().stream().filter(l -> l.startsWith("digest: ")).findFirst().orElseThrow();
    }

    @Test
    void theTimelineOfAFailingSeedIsWrittenAndTheRunIsUnchanged(@TempDir Path dir) throws Exception {
        Path page = dir.resolve("run.html");
        CliTest.Ran with = CliTest.run("replay", "--seed", "3", "--mutant", "apply-stale-exit", "--timeline",
                page.toString());
        CliTest.Ran without = CliTest.run("replay", "--seed", "3", "--mutant", "apply-stale-exit");
        assertEquals(1, with.exit(), with.out() + with.err());
        assertEquals(digest(without), digest(with), "writing the timeline does not change the run");
        assertTrue(with.out().contains("timeline: " + page));
        String html = Files.readString(page);
        assertTrue(html.contains("<title>tq timeline: seed 3, 8 nodes, swarm, mutant apply-stale-exit: FAILED "
                + "stale-exit-ignored</title>"), html.substring(0, 300));
        assertTrue(Files.size(page) < 2_000_000);
    }

    @Test
    void stepReadsCommandsFromStandardInput() {
        ReplayCommand.stdinOverride = new ByteArrayInputStream(
                "break stale-exit-ignored\ncontinue\nwhere\nquit\n".getBytes(StandardCharsets.UTF_8));
        try {
            CliTest.Ran r = CliTest.run("replay", "--seed", "3", "--mutant", "apply-stale-exit", "--step");
            assertEquals(1, r.exit(), "the exit code is still the run's");
            assertTrue(r.out().contains("step debugger: "), r.out());
            assertTrue(r.out().contains("(tq #0/"), "a prompt");
            assertTrue(r.out().contains("breakpoint 1: check stale-exit-ignored hit"), r.out());
            assertTrue(r.out().contains("check stale-exit-ignored fails after this event: n05: the late exit"), r.out());
            assertTrue(r.out().contains("failing event: #"), r.out());
        } finally {
            ReplayCommand.stdinOverride = null;
        }
    }

    @Test
    void aCampaignReportHasASectionPerSettingAndATimelinePerFailingSeed(@TempDir Path dir) throws Exception {
        Path report = dir.resolve("report");
        Path json = dir.resolve("c.json");
        CliTest.Ran failing = CliTest.run("sim", "--seeds", "8", "--mutant", "apply-stale-exit", "--json",
                json.toString(), "--report", report.toString());
        assertEquals(1, failing.exit(), failing.out() + failing.err());
        assertTrue(failing.last().startsWith("8 seeds: 6 passed, 2 failed ("), "the summary stays last");
        assertTrue(failing.out().contains("report: " + report.resolve("index.html") + " (2 timeline pages)"));
        String index = Files.readString(report.resolve("index.html"));
        assertTrue(index.contains("profile swarm, 8 nodes, mutant apply-stale-exit"));
        for (String seed : List.of("3", "8")) {
            String page = "timeline-swarm-8n-apply-stale-exit-seed-" + seed + ".html";
            assertTrue(index.contains("<a href=\"" + page + "\">timeline</a>"), index);
            assertTrue(index.contains("<code>./tq replay --seed " + seed + " --nodes 8 --faults swarm --mutant "
                    + "apply-stale-exit</code>"), index);
            assertTrue(Files.readString(report.resolve(page)).contains("FAILED stale-exit-ignored"));
        }
        assertTrue(index.contains("stale-exit-ignored"));
        Matcher m = Pattern.compile("<th>seeds</th><td>8 from 1</td>").matcher(index);
        assertTrue(m.find(), index);

        CliTest.Ran light = CliTest.run("sim", "--seeds", "3", "--faults", "light", "--report", report.toString(),
                "--report-timelines", "0");
        assertEquals(0, light.exit());
        index = Files.readString(report.resolve("index.html"));
        assertTrue(index.contains("profile light, 8 nodes"), "a second setting adds its section");
        assertTrue(index.contains("profile swarm, 8 nodes, mutant apply-stale-exit"), "and keeps the first");
        assertTrue(index.contains("2 campaigns, 11 seeds"), index);
        assertTrue(index.contains("every seed passed"));

        CliTest.Ran again = CliTest.run("sim", "--seeds", "3", "--faults", "light", "--report", report.toString());
        assertEquals(0, again.exit());
        assertTrue(Files.readString(report.resolve("index.html")).contains("2 campaigns, 11 seeds"),
                "the same setting replaces its section");
        assertFalse(Files.readString(report.resolve("report.json")).isBlank());
    }

    @Test
    void reportTimelinesMustNotBeNegative(@TempDir Path dir) {
        assertEquals(2, CliTest.run("sim", "--report", dir.toString(), "--report-timelines", "-1").exit());
    }
}
