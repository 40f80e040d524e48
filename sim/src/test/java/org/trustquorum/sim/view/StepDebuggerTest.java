package org.trustquorum.sim.view;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The step debugger driven by scripted input, as through a pipe. */
class StepDebuggerTest {
    static Recording heavy;
    static Recording failing;

    @BeforeAll
    static void record() {
        heavy = Recorder.record(Runs.heavy());
        failing = Recorder.record(Runs.trackerNotCleared());
    }

    /** Runs a script; returns the transcript. */
    static String run(Recording rec, String... commands) {
        StringWriter out = new StringWriter();
        String script = String.join("\n", commands) + "\n";
        new StepDebugger(rec, new BufferedReader(new StringReader(script)), new PrintWriter(out, true), true).run();
        return out.toString();
    }

    /** The output of each command (the text between one prompt and the next), by position in the script. */
    static List<String> answers(String transcript) {
        String[] parts = transcript.split("\\(tq #\\d+/\\d+ \\d+ ms\\) ", -1);
        List<String> out = new ArrayList<>(Arrays.asList(parts).subList(1, parts.length));
        return out;
    }

    @Test
    void stepPrintsEachEventWithItsNumberTimeAndLaneAndMovesThePrompt() {
        String t = run(heavy, "step", "step 2", "where", "quit");
        assertTrue(t.startsWith("step debugger: " + heavy.size() + " events recorded, the run passed."), t);
        List<String> a = answers(t);
        assertEquals(4, a.size(), t);
        assertEquals("step\n#1             0 ms  scenario start " + heavy.event(0).details() + "\n", a.get(0));
        String[] two = a.get(1).split("\n");
        assertEquals("step 2", two[0], "the command is echoed when input is not a terminal");
        assertTrue(two[1].startsWith("#2 ") && two[1].contains("n00") && two[1].contains("boot life=0"), two[1]);
        assertTrue(two[2].startsWith("#3 "), two[2]);
        assertTrue(t.contains("(tq #3/" + heavy.size() + " 0 ms) where"), "the prompt shows the position");
        assertTrue(a.get(2).contains("at #3 "), a.get(2));
        assertTrue(a.get(2).contains("run: seed 13, 4 nodes, heavy: passed"), a.get(2));
    }

    @Test
    void breakOnAKindStopsAtEachEventOfThatKindInTurn() {
        List<Integer> crashes = new ArrayList<>();
        for (Recording.Event e : heavy.events()) {
            if (e.kind().equals("crash")) {
                crashes.add(e.number());
            }
        }
        assertTrue(crashes.size() >= 2);
        List<String> a = answers(run(heavy, "break crash", "continue", "continue", "where", "quit"));
        assertTrue(a.get(0).contains("breakpoint 1: kind crash"), a.get(0));
        assertTrue(a.get(1).contains("breakpoint 1: kind crash hit\n#" + crashes.get(0) + " "), a.get(1));
        assertTrue(a.get(2).contains("\n#" + crashes.get(1) + " "), a.get(2));
        assertTrue(a.get(3).startsWith("where\nat #" + crashes.get(1) + " "), a.get(3));
    }

    @Test
    void breakOnANodeStopsAtItsNextEventAndStepStopsAtBreakpointsToo() {
        int firstN02 = -1;
        for (Recording.Event e : heavy.events()) {
            if (e.lane() == 2) {
                firstN02 = e.number();
                break;
            }
        }
        List<String> a = answers(run(heavy, "break n02", "step 1000", "quit"));
        assertTrue(a.get(1).contains("stopped at breakpoint 1: node n02"), a.get(1));
        String[] lines = a.get(1).split("\n");
        assertTrue(lines[lines.length - 2].startsWith("#" + firstN02 + " "), a.get(1));
    }

    @Test
    void breakOnACheckStopsWhereItFailsAndShowReadsTheStateThere() {
        int f = failing.failingEvent() + 1;
        String t = run(failing, "break tracker-cleared-on-exit", "continue", "show n01", "show", "quit");
        List<String> a = answers(t);
        assertTrue(a.get(0).contains("breakpoint 1: check tracker-cleared-on-exit"), a.get(0));
        assertFalse(a.get(0).contains("never stops here"));
        assertTrue(a.get(1).contains("hit\n#" + f + " "), a.get(1));
        assertTrue(a.get(1).contains("check tracker-cleared-on-exit fails after this event: " + failing.message()));
        NodeSnapshot n01 = failing.nodeAfter(1, f - 1);
        String show = a.get(2);
        assertTrue(show.startsWith("show n01\nn01 after #" + f + " ("), show);
        assertTrue(show.contains("  status: up (life " + n01.life() + ")"), show);
        assertTrue(show.contains("  commits: " + String.join(", ", n01.commits().stream().map(String::valueOf).toList())));
        assertFalse(n01.tracker().isEmpty());
        assertTrue(show.contains("  proxy tracker: " + n01.tracker().get(0)), show);
        assertEquals(show.substring(show.indexOf('\n')), a.get(3).substring(a.get(3).indexOf('\n')),
                "show without a node shows the same node again");
    }

    @Test
    void aBreakpointOnAnotherCheckSaysItWillNotBeHit() {
        List<String> a = answers(run(failing, "break one-config-per-epoch", "break", "delete 1", "break", "quit"));
        assertTrue(a.get(0).contains("note: this run fails tracker-cleared-on-exit, so it never stops here"), a.get(0));
        assertTrue(a.get(1).contains("breakpoint 1: check one-config-per-epoch"));
        assertTrue(a.get(2).contains("deleted breakpoint 1"));
        assertTrue(a.get(3).contains("no breakpoints"));
    }

    @Test
    void diffListsWhatChangedBetweenTwoEvents() {
        Recording.Event persist = heavy.events().stream().filter(e -> e.kind().equals("persist")).skip(3).findFirst()
                .orElseThrow();
        String node = heavy.laneName(persist.lane());
        int n = persist.number();
        List<String> expected = heavy.diff(persist.lane(), n - 3, n - 1);
        assertFalse(expected.isEmpty());
        List<String> a = answers(run(heavy, "diff " + node + " " + (n - 2) + " " + n, "diff " + (n - 2) + " " + n,
                "diff " + node + " " + n + " " + n, "quit"));
        String one = a.get(0);
        assertTrue(one.contains(node + " from after #" + (n - 2) + " to after #" + n + ":\n"), one);
        for (String line : expected) {
            assertTrue(one.contains("  " + line + "\n"), one + " lacks " + line);
        }
        assertTrue(a.get(1).contains(node + " from after #" + (n - 2)), "without a node: every node that changed");
        assertTrue(a.get(2).contains("no state changes of " + node + " between #" + n + " and #" + n), a.get(2));
    }

    @Test
    void inflightListsFramesIncarnationsTrackersAndOpenProxyCalls() {
        int f = failing.failingEvent();
        String a = answers(run(failing, "run-to " + (f + 1), "inflight", "quit")).get(1);
        List<Recording.Frame> frames = failing.inFlightAfter(f);
        long pings = frames.stream().filter(Recording.Frame::ping).count();
        assertTrue(a.contains("frames: " + (frames.size() - pings)), a);
        assertTrue(a.contains("connection incarnations: " + failing.incarnationsAfter(f).size() + "\n"), a);
        NodeSnapshot n01 = failing.nodeAfter(1, f);
        assertTrue(a.contains("proxy trackers:\n  n01: " + n01.tracker().get(0)), a);
        long open = failing.callsOpenAfter(f).stream().filter(Recording.Call::proxy).count();
        assertTrue(a.contains("proxy calls waiting for their reply: " + open), a);
        assertTrue(open > 0);
    }

    @Test
    void runToGoesBackwardsAndStateFollows() {
        List<String> a = answers(run(heavy, "run-to 500", "run-to 2", "show n00", "run-to 0", "show n00", "quit"));
        assertTrue(a.get(0).startsWith("run-to 500\nat #500 "), a.get(0));
        assertTrue(a.get(1).startsWith("run-to 2\nat #2 "), a.get(1));
        assertTrue(a.get(2).contains("n00 after #2 (0 ms):\n  status: up (life 0)"), a.get(2));
        assertTrue(a.get(4).contains("n00 at the start:\n  status: not booted or down"), a.get(4));
    }

    @Test
    void mistakesAreReportedAndTheSessionGoesOn() {
        String t = run(heavy, "frobnicate", "step -1", "run-to 999999999", "show n77", "diff 1", "break ???", "quit",
                "step");
        List<String> a = answers(t);
        assertTrue(a.get(0).contains("unknown command 'frobnicate' (type help)"));
        assertTrue(a.get(1).contains("error: '-1' is not a positive number"));
        assertTrue(a.get(2).contains("error: event numbers go from 0 (the start) to " + heavy.size()));
        assertTrue(a.get(3).contains("error: no node 'n77' (nodes n00..n03, or cp)"));
        assertTrue(a.get(4).contains("error: diff [node] <a> <b>"));
        assertTrue(a.get(5).contains("error: break takes"));
        assertEquals(7, a.size(), "nothing runs after quit");
    }

    @Test
    void theEndOfInputEndsTheSessionAndHelpListsTheCommands() {
        String t = run(heavy, "help");
        for (String c : List.of("step [N]", "run-to <N>", "break <what>", "continue", "show [node]",
                "diff [node] <a> <b>", "inflight", "where", "help, quit")) {
            assertTrue(t.contains(c), c);
        }
        assertTrue(t.endsWith(") \n"), "a last prompt, then a newline at the end of input");
    }

    @Test
    void continueWithoutBreakpointsRunsToTheEnd() {
        String a = answers(run(failing, "continue", "step", "quit")).get(0);
        assertTrue(a.contains("no breakpoints: running to the end"));
        assertTrue(a.contains("#" + failing.size() + " "));
        assertTrue(a.contains("end of the run, the run FAILED tracker-cleared-on-exit"));
    }
}
