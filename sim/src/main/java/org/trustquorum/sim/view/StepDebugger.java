package org.trustquorum.sim.view;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code ./tq replay --seed S --step}: walks a recorded run event by event from commands read line
 * by line (a terminal, a pipe or a script), printing to a writer. The position is how many events
 * have happened: 0 is before event #1; "the state at the current point" is the state after the
 * latest event. Because the run is recorded, positions can go backwards too ({@code run-to}).
 */
public final class StepDebugger {
    /** Event lines printed by one command at most (the rest are counted). */
    static final int MAX_LINES_PER_COMMAND = 100;
    /** Frames listed by {@code inflight} at most. */
    static final int MAX_FRAMES_LISTED = 40;

    private static final Set<String> KINDS = Set.of("start", "boot", "restart", "step", "persist", "dial", "accept",
            "established", "exited", "close", "send", "recv", "lost", "api-call", "reply", "crash", "cp-reconfigure",
            "cp-call", "cp-answer", "cp-log", "cp-crash", "cp-restart", "entry", "trace", "heal", "converged",
            "violation");

    private final Recording rec;
    private final BufferedReader in;
    private final PrintWriter out;
    private final boolean echo;
    private int pos;
    private int lastShown = -1;
    private final List<Breakpoint> breakpoints = new ArrayList<>();
    private int nextBreakpointId = 1;

    /** A breakpoint: on an event kind, on a lane (node or cp), on a check's failure, or on an event number. */
    record Breakpoint(int id, String type, String what) {
        boolean matches(Recording rec, int e) {
            Recording.Event ev = rec.event(e);
            return switch (type) {
                case "kind" -> ev.kind().equals(what);
                case "node" -> rec.laneName(ev.lane()).equals(what);
                case "check" -> e == rec.failingEvent() && what.equals(rec.check());
                case "event" -> ev.number() == Integer.parseInt(what);
                default -> false;
            };
        }

        String describe() {
            return "breakpoint " + id + ": " + type + " " + what;
        }
    }

    /** {@code echo}: print each command after the prompt (when input is not a terminal, so a transcript reads well). */
    public StepDebugger(Recording rec, BufferedReader in, PrintWriter out, boolean echo) {
        this.rec = rec;
        this.in = in;
        this.out = out;
        this.echo = echo;
    }

    /** Reads and runs commands until {@code quit} or the end of input. */
    public void run() {
        out.println("step debugger: " + rec.size() + " events recorded" + outcome() + ". Type help for commands.");
        while (true) {
            out.print(prompt());
            out.flush();
            String line;
            try {
                line = in.readLine();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (line == null) {
                out.println();
                out.flush();
                return;
            }
            if (echo) {
                out.println(line);
            }
            if (!execute(line.trim())) {
                out.flush();
                return;
            }
        }
    }

    /** The prompt: the position and the virtual time. */
    String prompt() {
        long t = pos == 0 ? 0 : rec.event(pos - 1).atMs();
        return "(tq #" + pos + "/" + rec.size() + " " + t + " ms) ";
    }

    public int position() {
        return pos;
    }

    private String outcome() {
        if (rec.check() == null) {
            return ", the run passed";
        }
        return ", the run FAILED " + rec.check() + (rec.failingEvent() >= 0 ? " after #" + (rec.failingEvent() + 1) : "");
    }

    /** Runs one command; false to stop. */
    boolean execute(String line) {
        if (line.isEmpty() || line.startsWith("#")) {
            return true;
        }
        String[] w = line.split("\\s+");
        String cmd = w[0].toLowerCase(Locale.ROOT);
        try {
            switch (cmd) {
                case "step", "s", "next" -> step(w.length > 1 ? positiveInt(w[1]) : 1);
                case "run-to", "goto", "r" -> runTo(w);
                case "break", "b" -> addBreak(w);
                case "delete", "d" -> delete(w);
                case "continue", "c" -> cont();
                case "show" -> show(w);
                case "diff" -> diff(w);
                case "inflight", "i" -> inflight(w);
                case "where", "w" -> where();
                case "list", "l" -> list(w.length > 1 ? positiveInt(w[1]) : 5);
                case "help", "h", "?" -> help();
                case "quit", "q", "exit" -> {
                    return false;
                }
                default -> out.println("unknown command '" + w[0] + "' (type help)");
            }
        } catch (IllegalArgumentException e) {
            out.println("error: " + e.getMessage());
        }
        return true;
    }

    // ---------------------------------------------------------------------------------------------

    private void step(int n) {
        if (pos >= rec.size()) {
            out.println("at the end of the run" + outcome());
            return;
        }
        int printed = 0;
        for (int k = 0; k < n && pos < rec.size(); k++) {
            int e = pos++;
            if (printed < MAX_LINES_PER_COMMAND) {
                out.println(line(e));
                printed++;
            }
            Breakpoint b = hit(e);
            if (b != null && k < n - 1) {
                skipped(k + 1 - printed);
                out.println("stopped at " + b.describe());
                failureNote(e);
                return;
            }
            if (k == n - 1) {
                skipped(k + 1 - printed);
            }
        }
        failureNote(pos - 1);
        if (pos >= rec.size()) {
            out.println("end of the run" + outcome());
        }
    }

    private void skipped(int count) {
        if (count > 0) {
            out.println("... " + count + " more events (not printed)");
        }
    }

    private void runTo(String[] w) {
        if (w.length < 2) {
            throw new IllegalArgumentException("run-to needs an event number (1.." + rec.size() + ")");
        }
        int target = eventNumber(w[1]);
        pos = target;
        out.println("at " + line(target - 1));
        failureNote(target - 1);
    }

    private void addBreak(String[] w) {
        if (w.length < 2) {
            if (breakpoints.isEmpty()) {
                out.println("no breakpoints");
            }
            for (Breakpoint b : breakpoints) {
                out.println(b.describe());
            }
            return;
        }
        String what = w[1];
        Breakpoint b;
        if (what.startsWith("#")) {
            b = new Breakpoint(nextBreakpointId++, "event", Integer.toString(eventNumber(what)));
        } else if (rec.laneOf(what) >= 0 && rec.laneOf(what) <= rec.cpLane) {
            b = new Breakpoint(nextBreakpointId++, "node", rec.laneName(rec.laneOf(what)));
        } else if (KINDS.contains(what)) {
            b = new Breakpoint(nextBreakpointId++, "kind", what);
        } else if (what.matches("[a-z][a-z0-9-]*")) {
            b = new Breakpoint(nextBreakpointId++, "check", what);
        } else {
            throw new IllegalArgumentException("break takes an event kind, a node (n03, cp), a check name or #N");
        }
        breakpoints.add(b);
        out.println(b.describe());
        if (b.type().equals("check") && !what.equals(rec.check())) {
            out.println("note: this run " + (rec.check() == null ? "passes" : "fails " + rec.check())
                    + ", so it never stops here");
        }
    }

    private void delete(String[] w) {
        if (w.length < 2) {
            out.println("deleted " + breakpoints.size() + " breakpoints");
            breakpoints.clear();
            return;
        }
        int id = positiveInt(w[1]);
        if (!breakpoints.removeIf(b -> b.id() == id)) {
            throw new IllegalArgumentException("no breakpoint " + id);
        }
        out.println("deleted breakpoint " + id);
    }

    private Breakpoint hit(int e) {
        for (Breakpoint b : breakpoints) {
            if (b.matches(rec, e)) {
                return b;
            }
        }
        return null;
    }

    private void cont() {
        if (breakpoints.isEmpty()) {
            out.println("no breakpoints: running to the end");
        }
        for (int e = pos; e < rec.size(); e++) {
            Breakpoint b = hit(e);
            if (b != null) {
                pos = e + 1;
                out.println(b.describe() + " hit");
                out.println(line(e));
                failureNote(e);
                return;
            }
        }
        pos = rec.size();
        if (pos > 0) {
            out.println(line(pos - 1));
        }
        out.println("end of the run" + outcome());
    }

    private void failureNote(int e) {
        if (e >= 0 && e == rec.failingEvent()) {
            out.println("check " + rec.check() + " fails after this event: " + rec.message());
        }
    }

    private void show(String[] w) {
        int lane;
        if (w.length > 1) {
            lane = lane(w[1]);
        } else if (lastShown >= 0) {
            lane = lastShown;
        } else if (pos > 0 && rec.event(pos - 1).lane() <= rec.cpLane) {
            lane = rec.event(pos - 1).lane();
        } else {
            throw new IllegalArgumentException("show which node? (show n03, show cp)");
        }
        lastShown = lane;
        out.println(rec.laneName(lane) + " " + when(pos - 1) + ":");
        for (String s : StateText.lines(rec.stateAfter(lane, pos - 1))) {
            out.println("  " + s);
        }
    }

    private void diff(String[] w) {
        List<Integer> lanes = new ArrayList<>();
        int i = 1;
        if (w.length == 4) {
            lanes.add(lane(w[1]));
            i = 2;
        } else if (w.length != 3) {
            throw new IllegalArgumentException("diff [node] <a> <b>: state changes between event numbers a and b");
        } else {
            for (int l = 0; l <= rec.cpLane; l++) {
                lanes.add(l);
            }
        }
        int a = eventNumber(w[i]);
        int b = eventNumber(w[i + 1]);
        int changed = 0;
        for (int lane : lanes) {
            List<String> d = rec.diff(lane, a - 1, b - 1);
            if (d.isEmpty()) {
                continue;
            }
            changed++;
            out.println(rec.laneName(lane) + " from after #" + a + " to after #" + b + ":");
            for (String s : d) {
                out.println("  " + s);
            }
        }
        if (changed == 0) {
            out.println("no state changes " + (lanes.size() == 1 ? "of " + rec.laneName(lanes.get(0)) + " " : "")
                    + "between #" + a + " and #" + b);
        }
    }

    private void inflight(String[] w) {
        int only = w.length > 1 ? lane(w[1]) : -1;
        int e = pos - 1;
        out.println("in flight " + when(e) + (only >= 0 ? " (to or from " + rec.laneName(only) + ")" : "") + ":");
        List<Recording.Frame> frames = new ArrayList<>();
        java.util.Map<String, Integer> pings = new java.util.TreeMap<>();
        for (Recording.Frame f : rec.inFlightAfter(e)) {
            if (only >= 0 && f.from != only && f.to != only) {
                continue;
            }
            if (f.ping()) {
                pings.merge(rec.laneName(f.from) + "->" + rec.laneName(f.to), 1, Integer::sum);
            } else {
                frames.add(f);
            }
        }
        out.println("frames: " + frames.size() + (pings.isEmpty() ? "" : " (and "
                + pings.values().stream().mapToInt(Integer::intValue).sum() + " pings)"));
        for (int k = 0; k < Math.min(frames.size(), MAX_FRAMES_LISTED); k++) {
            Recording.Frame f = frames.get(k);
            String end = f.endEvent() < 0 ? "still in flight at the end"
                    : (f.fate() == Recording.Fate.LOST ? "lost at #" + (f.endEvent() + 1) + " ("
                            + TimelinePage.lossText(f.loss()) + ")" : "delivered at #" + (f.endEvent() + 1));
            out.println("  " + rec.laneName(f.from) + " -> " + rec.laneName(f.to) + "  " + f.label() + "  (inc "
                    + f.fromInc + ", sent at #" + (f.sendEvent + 1) + ", " + end + ")");
        }
        if (frames.size() > MAX_FRAMES_LISTED) {
            out.println("  ... " + (frames.size() - MAX_FRAMES_LISTED) + " more");
        }
        if (!pings.isEmpty()) {
            List<String> ps = new ArrayList<>();
            pings.forEach((k, v) -> ps.add(k + " " + v));
            out.println("  pings: " + String.join(", ", ps));
        }
        List<Recording.Incarnation> incs = rec.incarnationsAfter(e);
        if (only >= 0) {
            incs.removeIf(i -> i.lane != only);
        }
        out.println("connection incarnations: " + incs.size());
        int lane = -1;
        StringBuilder sb = new StringBuilder();
        for (Recording.Incarnation inc : incs) {
            if (inc.lane != lane) {
                if (sb.length() > 0) {
                    out.println(sb);
                }
                lane = inc.lane;
                sb.setLength(0);
                sb.append("  ").append(rec.laneName(lane)).append(":");
            } else {
                sb.append(";");
            }
            sb.append(" inc ").append(inc.inc).append(' ').append(rec.laneName(inc.peerLane)).append(' ')
                    .append(inc.stateAfter(e));
            if (!inc.stateAfter(e).equals("established")) {
                sb.append(" (opened at #").append(inc.openEvent + 1).append(')');
            }
        }
        if (sb.length() > 0) {
            out.println(sb);
        }
        out.println("proxy trackers:");
        int tracked = 0;
        for (int l = 0; l < rec.nodes(); l++) {
            if (only >= 0 && l != only) {
                continue;
            }
            for (NodeSnapshot.TrackedView t : rec.nodeAfter(l, e).tracker()) {
                out.println("  " + rec.laneName(l) + ": " + t);
                tracked++;
            }
        }
        if (tracked == 0) {
            out.println("  (empty)");
        }
        List<Recording.Call> calls = new ArrayList<>();
        for (Recording.Call c : rec.callsOpenAfter(e)) {
            if (c.proxy() && (only < 0 || c.lane == only)) {
                calls.add(c);
            }
        }
        out.println("proxy calls waiting for their reply: " + calls.size());
        for (Recording.Call c : calls) {
            out.println("  " + rec.laneName(c.lane) + " reply " + c.id + " " + c.request + " (since #"
                    + (c.startEvent + 1) + (c.endEvent() >= 0 ? ", answered at #" + (c.endEvent() + 1) + ": "
                            + c.response() : ", never answered") + ")");
        }
    }

    private void where() {
        if (pos == 0) {
            out.println("at the start (#0 of " + rec.size() + "): nothing has happened yet");
        } else {
            out.println("at " + line(pos - 1) + "  (" + pos + " of " + rec.size() + ")");
        }
        out.println("run: " + TimelinePage.describe(rec) + (rec.check() != null ? " (" + rec.message() + ")" : ""));
        if (rec.failingEvent() >= 0) {
            out.println("failing event: #" + (rec.failingEvent() + 1) + " (violation logged at #"
                    + (rec.violationEvent() + 1) + ")");
        }
        if (!breakpoints.isEmpty()) {
            Set<String> bs = new TreeSet<>();
            for (Breakpoint b : breakpoints) {
                bs.add(b.type() + " " + b.what());
            }
            out.println("breakpoints: " + String.join(", ", bs));
        }
    }

    private void list(int around) {
        int center = Math.max(0, pos - 1);
        for (int e = Math.max(0, center - around); e <= Math.min(rec.size() - 1, center + around); e++) {
            out.println((e == pos - 1 ? "=> " : "   ") + line(e));
        }
    }

    private void help() {
        out.println("""
                commands (event numbers are the line numbers of --events, from 1):
                  step [N]            run the next N events (default 1), printing each; stops at breakpoints
                  run-to <N>          go to just after event #N (backwards too)
                  break <what>        stop at events of a kind (crash, send, persist, ...), of a node (n03, cp),
                                      where a check fails (stale-exit-ignored, ...), or at #N; break alone lists them
                  delete [id]         delete one breakpoint, or all
                  continue            run to the next breakpoint (or the end)
                  show [node]         a node's state (or the control plane's: show cp) at the current point
                  diff [node] <a> <b> state changes between just after #a and just after #b (every node if none given)
                  inflight [node]     frames in flight, open connection incarnations, proxy trackers and calls
                  where               the current event, the run's outcome, the failing event
                  list [N]            the N events before and after the current one
                  help, quit""");
    }

    // ---------------------------------------------------------------------------------------------

    /** One event as a line: number, time, lane, kind and fields. */
    String line(int e) {
        if (e < 0) {
            return "#0 (the start: nothing has happened yet)";
        }
        Recording.Event ev = rec.event(e);
        String lane = rec.laneName(ev.lane());
        return String.format(Locale.ROOT, "#%-6d %8d ms  %-8s %s %s", ev.number(), ev.atMs(), lane, ev.kind(),
                ev.details()).stripTrailing();
    }

    private String when(int e) {
        return e < 0 ? "at the start" : "after #" + (e + 1) + " (" + rec.event(e).atMs() + " ms)";
    }

    private int lane(String name) {
        int l = rec.laneOf(name);
        if (l < 0 || l > rec.cpLane) {
            throw new IllegalArgumentException("no node '" + name + "' (nodes n00..n"
                    + String.format("%02d", rec.nodes() - 1) + ", or cp)");
        }
        return l;
    }

    private int eventNumber(String s) {
        String v = s.startsWith("#") ? s.substring(1) : s;
        int n;
        try {
            n = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + s + "' is not an event number");
        }
        if (n < 0 || n > rec.size()) {
            throw new IllegalArgumentException("event numbers go from 0 (the start) to " + rec.size());
        }
        return n;
    }

    private static int positiveInt(String s) {
        try {
            int n = Integer.parseInt(s);
            if (n < 1) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + s + "' is not a positive number");
        }
    }
}
