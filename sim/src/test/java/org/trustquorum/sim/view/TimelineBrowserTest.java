package org.trustquorum.sim.view;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.trustquorum.core.Mutation;
import org.trustquorum.sim.FaultProfile;
import org.trustquorum.sim.RunResult;
import org.trustquorum.sim.RunSpec;
import org.trustquorum.sim.Simulation;

/**
 * The timeline page in a real headless Chromium: the failing event of a mutant's failing seed is
 * highlighted and in view, clicking an event shows that node's state, the keyboard moves the
 * selection. Screenshots go to target/browser/ (and to the directory named by the system property
 * {@code tq.screenshots}, which is how docs/timeline-*.png are made). Skipped, with the reason,
 * only when chromium and chromedriver cannot be installed.
 */
class TimelineBrowserTest {
    static final Path SHOTS = Path.of("target/browser");
    static final Duration LOAD = Duration.ofSeconds(20);

    @BeforeAll
    static void browser() {
        String missing = Chromium.ensureInstalled();
        Assumptions.assumeTrue(missing == null, () -> "skipping the browser test: " + missing);
    }

    /** The first seed from 1 on which the mutant fails, found by running the simulator. */
    static RunSpec firstFailingSeed(Mutation mutant) {
        for (long seed = 1; seed <= 50; seed++) {
            RunSpec spec = RunSpec.generate(seed, 8, FaultProfile.SWARM, mutant);
            RunResult r = new Simulation(spec).run();
            if (!r.passed()) {
                return spec;
            }
        }
        throw new AssertionError(mutant + " fails no seed in 1..50");
    }

    static void save(String name, byte[] png) throws Exception {
        assertTrue(png.length > 10_000 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G', "a PNG");
        Files.createDirectories(SHOTS);
        Files.write(SHOTS.resolve(name), png);
        String docs = System.getProperty("tq.screenshots");
        if (docs != null && !docs.isBlank()) {
            Files.createDirectories(Path.of(docs));
            Files.write(Path.of(docs).resolve(name), png);
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void theFailingEventIsHighlightedAndClickingAnEventShowsThatNodesState(@TempDir Path dir) throws Exception {
        RunSpec spec = firstFailingSeed(Mutation.APPLY_STALE_EXIT);
        Recording rec = Recorder.record(spec);
        Path page = dir.resolve("failing.html");
        TimelinePage.write(rec, "./tq replay --seed " + spec.seed() + " --mutant apply-stale-exit", page);
        int failing = rec.failingEvent();
        String failingNode = rec.laneName(rec.failingLane());

        try (Chromium b = new Chromium(dir.resolve("profile"), 1600, 1000)) {
            b.open(page.toUri());
            b.waitFor("return document.body.getAttribute('data-ready') === '1' || document.body.hasAttribute('data-error');", LOAD);
            assertEquals(null, b.script("return document.body.getAttribute('data-error');"));

            // the failing event: highlighted, inside the visible part of the diagram, selected, explained
            @SuppressWarnings("unchecked")
            Map<String, Object> fail = (Map<String, Object>) b.script("""
                    const row = document.querySelector('.row.fail');
                    if (!row) return null;
                    const r = row.getBoundingClientRect(), s = document.getElementById('scroller').getBoundingClientRect();
                    return {ev: +row.getAttribute('data-ev'), inView: r.top >= s.top && r.bottom <= s.bottom,
                            background: getComputedStyle(row).backgroundColor,
                            violation: !!document.querySelector('.row.viol')};""");
            assertTrue(fail != null, "a row is marked as the failing event");
            assertEquals((long) failing, fail.get("ev"));
            assertEquals(Boolean.TRUE, fail.get("inView"), "scrolled into view on load");
            assertEquals(Boolean.TRUE, fail.get("violation"));
            assertNotEquals("rgba(0, 0, 0, 0)", fail.get("background"));
            String panel = b.text(b.find("#panel"));
            assertTrue(panel.contains("check failed: stale-exit-ignored"), panel);
            assertTrue(panel.contains("Event #" + (failing + 1)), panel);
            assertTrue(panel.contains("State of " + failingNode) || selectedLane(b).equals(failingNode), panel);
            save("timeline-failing.png", b.screenshot());

            // click another node's event: the panel shows that node, its configurations' epochs and commits
            @SuppressWarnings("unchecked")
            List<Object> pick = (List<Object>) b.script("""
                    const s = document.getElementById('scroller').getBoundingClientRect();
                    for (const l of document.querySelectorAll('.row:not(.fail):not(.viol):not(.failstep) .lbl')) {
                      const lane = +l.getAttribute('data-lane'), r = l.getBoundingClientRect();
                      if (lane !== arguments[0] && lane < arguments[1] && r.top > s.top + 20 && r.bottom < s.bottom - 20)
                        return [+l.getAttribute('data-ev'), lane];
                    }
                    return null;""", rec.failingLane(), rec.nodes());
            assertTrue(pick != null, "an event of another node is on screen");
            int clicked = ((Number) pick.get(0)).intValue();
            String node = rec.laneName(((Number) pick.get(1)).intValue());
            b.click(b.find(".lbl[data-ev='" + clicked + "']"));
            b.waitFor("return window.tqTimeline.selected().event === " + clicked + ";", Duration.ofSeconds(5));
            assertEquals(node, selectedLane(b));
            String state = b.text(b.find("#state"));
            NodeSnapshot expected = rec.nodeAfter(rec.laneOf(node), clicked);
            assertTrue(b.text(b.find("#panel")).contains("Event #" + (clicked + 1)));
            for (NodeSnapshot.ConfigView c : expected.configs()) {
                assertTrue(state.contains("epoch " + c.epoch() + " (coordinator " + c.coordinator()), state);
            }
            assertTrue(!expected.configs().isEmpty(), "the clicked node knows configurations by then");
            assertTrue(state.contains("commits"), state);
            assertTrue(state.contains("shares (epochs)"), state);

            // keyboard: j selects the next visible event
            b.type(b.find("#scroller"), "j");
            b.waitFor("return window.tqTimeline.selected().event > " + clicked + ";", Duration.ofSeconds(5));
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aHealthyRunOpensAtItsStartWithTheFirstNodesState(@TempDir Path dir) throws Exception {
        RunSpec spec = RunSpec.generate(1, 8, FaultProfile.SWARM, Mutation.NONE);
        Recording rec = Recorder.record(spec);
        assertTrue(rec.result().passed());
        Path page = dir.resolve("healthy.html");
        TimelinePage.write(rec, "./tq replay --seed 1", page);
        try (Chromium b = new Chromium(dir.resolve("profile"), 1600, 1000)) {
            b.open(java.net.URI.create(page.toUri() + "#rows=12"));
            b.waitFor("return document.body.getAttribute('data-ready') === '1' || document.body.hasAttribute('data-error');", LOAD);
            assertEquals(0L, b.script("return document.querySelectorAll('.row.fail, .row.viol').length;"));
            assertTrue(b.text(b.find("h1")).contains("passed"));
            assertEquals("n00", selectedLane(b));
            assertEquals(12L, b.script("return document.querySelector('.row').offsetHeight;"), "rows=12 in the link");
            // a little way in, where messages fly: select the persist of the first commit
            int persist = -1;
            for (Recording.Event e : rec.events()) {
                if (e.kind().equals("persist") && !((List<?>) e.field("commits")).isEmpty()) {
                    persist = e.index();
                    break;
                }
            }
            assertTrue(persist > 0);
            b.script("window.tqTimeline.select(arguments[0], arguments[1]);", persist, rec.event(persist).lane());
            String state = b.text(b.find("#state"));
            assertTrue(state.contains("commits"), state);
            save("timeline-healthy.png", b.screenshot());
        }
    }

    private static String selectedLane(Chromium b) throws Exception {
        return (String) b.script("return window.tqTimeline.selected().lane;");
    }
}
