package org.trustquorum.sim.view;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.trustquorum.sim.RunResult;
import org.trustquorum.sim.RunSpec;
import org.trustquorum.sim.RunWatcher;

/**
 * A run as people look at it: every readable event in order, on lanes (one per node, one for the
 * control plane, one for the scenario), with the frames paired from send to delivery or loss, the
 * connection incarnations, the API calls, the nodes' down times, and the state of every lane after
 * every event (kept as the snapshots at which it changed). Built by {@link Recorder}; read by the
 * timeline page and the step debugger.
 *
 * <p>Events are indexed from 0 here; people see them numbered from 1 (#1 is the first line of
 * {@code --events}). "The state after event i" is what the lane looked like once event i and
 * everything the simulator did for it had happened, before the next event was logged.
 */
public final class Recording {
    /** Lane of the control plane (nodes are 0..nodes-1). */
    public final int cpLane;
    /** Lane of the scenario: start, schedule entries, heal, and how the run ended. */
    public final int scenarioLane;

    private final int nodes;
    final List<Event> events = new ArrayList<>();
    final List<Frame> frames = new ArrayList<>();
    final List<Incarnation> incarnations = new ArrayList<>();
    final List<Call> calls = new ArrayList<>();
    final List<Down> downs = new ArrayList<>();
    /** Per lane: the events after which its state changed, and the state from then on. */
    final List<List<Integer>> changeAt = new ArrayList<>();
    final List<List<Object>> changeTo = new ArrayList<>();
    long eventsNotRecorded;
    long unmatchedFrameReports;
    int violationEvent = -1;
    String check;
    String message;
    RunSpec spec;
    RunResult result;

    Recording(int nodes) {
        this.nodes = nodes;
        this.cpLane = nodes;
        this.scenarioLane = nodes + 1;
        for (int i = 0; i < nodes + 2; i++) {
            changeAt.add(new ArrayList<>());
            changeTo.add(new ArrayList<>());
        }
    }

    // ---------------------------------------------------------------------------------------------
    // The parts

    /** One readable event: its kind, its lane, the lane of its peer (or -1), its fields. */
    public record Event(int index, long atMs, String kind, int lane, int peerLane, List<Object> fields) {
        public Event {
            fields = Collections.unmodifiableList(new ArrayList<>(fields));
        }

        /** Number people see: index + 1. */
        public int number() {
            return index + 1;
        }

        /** A field's value, or null. */
        public Object field(String name) {
            for (int i = 0; i + 1 < fields.size(); i += 2) {
                if (fields.get(i).equals(name)) {
                    return fields.get(i + 1);
                }
            }
            return null;
        }

        /** {@code name=value} pairs (null values and the node left out). */
        public String details() {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i + 1 < fields.size(); i += 2) {
                Object v = fields.get(i + 1);
                if (v == null || fields.get(i).equals("node")) {
                    continue;
                }
                if (sb.length() > 0) {
                    sb.append(' ');
                }
                String s = String.valueOf(v);
                sb.append(fields.get(i)).append('=').append(s.indexOf(' ') >= 0 ? "\"" + s + "\"" : s);
            }
            return sb.toString();
        }
    }

    /** How a frame ended (so far). */
    public enum Fate { DELIVERED, LOST, IN_FLIGHT }

    /** One frame: sent on one lane, delivered on (or lost toward) its peer's. */
    public static final class Frame {
        public final long conn;
        public final int dir;
        public final long ordinal;
        public final int from;
        public final int to;
        public final long fromInc;
        public final String msg;
        public final Long epoch;
        public final Long requestId;
        public final int sendEvent;
        int endEvent = -1;
        long toInc = -1;
        Fate fate = Fate.IN_FLIGHT;
        RunWatcher.Loss loss;

        Frame(long conn, int dir, long ordinal, int from, int to, long fromInc, String msg, Long epoch, Long requestId,
                int sendEvent) {
            this.conn = conn;
            this.dir = dir;
            this.ordinal = ordinal;
            this.from = from;
            this.to = to;
            this.fromInc = fromInc;
            this.msg = msg;
            this.epoch = epoch;
            this.requestId = requestId;
            this.sendEvent = sendEvent;
        }

        /** The recv or loss event, or -1 while in flight. */
        public int endEvent() {
            return endEvent;
        }

        public Fate fate() {
            return fate;
        }

        /** Why it was lost (null unless {@link Fate#LOST}). */
        public RunWatcher.Loss loss() {
            return loss;
        }

        /** The receiver's incarnation, once delivered (else -1). */
        public long toInc() {
            return toInc;
        }

        public boolean ping() {
            return "Ping".equals(msg);
        }

        /** In flight just after event {@code e}: sent at or before it, not yet received or lost. */
        public boolean inFlightAfter(int e) {
            return sendEvent <= e && (endEvent < 0 || endEvent > e);
        }

        /** The message as the log names it, with its epoch or request id. */
        public String label() {
            return msg + (epoch != null ? " e" + epoch : "") + (requestId != null ? " req " + requestId : "");
        }
    }

    /** One incarnation of one node's life: opened by a dial or an accept, then established, closed, exited. */
    public static final class Incarnation {
        public final int lane;
        public final int life;
        public final long inc;
        public final int peerLane;
        public final boolean dialed;
        public final int openEvent;
        int establishedEvent = -1;
        boolean late;
        int closeEvent = -1;
        String closeCause;
        int exitEvent = -1;
        String exitCause;
        /** The node crashed with it open (its end gets no exit). */
        int crashEvent = -1;

        Incarnation(int lane, int life, long inc, int peerLane, boolean dialed, int openEvent) {
            this.lane = lane;
            this.life = life;
            this.inc = inc;
            this.peerLane = peerLane;
            this.dialed = dialed;
            this.openEvent = openEvent;
        }

        public int establishedEvent() {
            return establishedEvent;
        }

        public boolean late() {
            return late;
        }

        public int closeEvent() {
            return closeEvent;
        }

        public String closeCause() {
            return closeCause;
        }

        public int exitEvent() {
            return exitEvent;
        }

        public String exitCause() {
            return exitCause;
        }

        public int crashEvent() {
            return crashEvent;
        }

        /** The event that ended it (exit, or the node's crash), or -1. */
        public int endEvent() {
            return exitEvent >= 0 ? exitEvent : crashEvent;
        }

        public boolean liveAfter(int e) {
            return openEvent <= e && (endEvent() < 0 || endEvent() > e);
        }

        /** Its state just after event {@code e} (assumes {@link #liveAfter}). */
        public String stateAfter(int e) {
            if (closeEvent >= 0 && closeEvent <= e) {
                return "closed (" + closeCause + "), exit pending";
            }
            if (establishedEvent >= 0 && establishedEvent <= e) {
                return late ? "established late (already closed)" : "established";
            }
            return dialed ? "dialing" : "accepting";
        }
    }

    /** One API call to a node (or one control-plane call) and its answer. */
    public static final class Call {
        public final int lane;
        public final long id;
        public final String request;
        public final int startEvent;
        /** Where it went (a proxy call's destination, a control-plane call's target), or -1. */
        public final int targetLane;
        int endEvent = -1;
        String response;

        Call(int lane, long id, String request, int startEvent, int targetLane) {
            this.lane = lane;
            this.id = id;
            this.request = request;
            this.startEvent = startEvent;
            this.targetLane = targetLane;
        }

        public boolean proxy() {
            return request.startsWith("Proxy(");
        }

        public int endEvent() {
            return endEvent;
        }

        public String response() {
            return response;
        }
    }

    /** A node (or the control plane) down from a crash until its restart (or the end). */
    public static final class Down {
        public final int lane;
        public final int crashEvent;
        public final String how;
        int restartEvent = -1;

        Down(int lane, int crashEvent, String how) {
            this.lane = lane;
            this.crashEvent = crashEvent;
            this.how = how;
        }

        public int restartEvent() {
            return restartEvent;
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Queries

    public int nodes() {
        return nodes;
    }

    public int lanes() {
        return nodes + 2;
    }

    public String laneName(int lane) {
        if (lane == cpLane) {
            return "cp";
        }
        if (lane == scenarioLane) {
            return "scenario";
        }
        return "n" + (lane < 10 ? "0" : "") + lane;
    }

    /** The lane a name stands for ({@code n03}, {@code 3}, {@code cp}), or -1. */
    public int laneOf(String name) {
        String s = name.trim().toLowerCase(java.util.Locale.ROOT);
        if (s.equals("cp") || s.equals("control-plane")) {
            return cpLane;
        }
        if (s.equals("scenario")) {
            return scenarioLane;
        }
        if (s.startsWith("n")) {
            s = s.substring(1);
        }
        try {
            int i = Integer.parseInt(s);
            return i >= 0 && i < nodes ? i : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    public List<Event> events() {
        return Collections.unmodifiableList(events);
    }

    public Event event(int index) {
        return events.get(index);
    }

    public int size() {
        return events.size();
    }

    public List<Frame> frames() {
        return Collections.unmodifiableList(frames);
    }

    public List<Incarnation> incarnations() {
        return Collections.unmodifiableList(incarnations);
    }

    public List<Call> calls() {
        return Collections.unmodifiableList(calls);
    }

    public List<Down> downs() {
        return Collections.unmodifiableList(downs);
    }

    /** Index of the violation event, or -1 if the run passed. */
    public int violationEvent() {
        return violationEvent;
    }

    /**
     * The event the failure is about, or -1 if the run passed: the input of the engine step whose
     * checks failed (the {@code recv}, {@code exited}, {@code established}, ... that started it,
     * or the step itself for timers and flushes); when the events just before the violation are no
     * step's outputs, simply the last event before it.
     */
    public int failingEvent() {
        if (violationEvent <= 0) {
            return violationEvent;
        }
        int last = violationEvent - 1;
        int lane = events.get(last).lane();
        for (int e = last; e >= 0 && e >= last - MAX_STEP_OUTPUTS; e--) {
            Event ev = events.get(e);
            if (ev.lane() != lane) {
                return last;
            }
            if (ev.kind().equals("step")) {
                String input = String.valueOf(ev.field("input"));
                if (e > 0 && events.get(e - 1).lane() == lane && startedBy(input, events.get(e - 1).kind())) {
                    return e - 1;
                }
                return e;
            }
            if (!STEP_OUTPUTS.contains(ev.kind())) {
                return last;
            }
        }
        return last;
    }

    /** Events a step logs after its "step" line. */
    private static final java.util.Set<String> STEP_OUTPUTS = java.util.Set.of("trace", "persist", "send", "close",
            "reply", "dial", "lost");
    private static final int MAX_STEP_OUTPUTS = 200;

    /** Whether an event of kind {@code kind} is what a step with this input was started by. */
    private static boolean startedBy(String input, String kind) {
        String first = input.split(" ", 2)[0];
        return switch (first) {
            case "accept" -> kind.equals("accept");
            case "api-call" -> kind.equals("api-call");
            case "frame" -> kind.equals("recv");
            case "established" -> kind.equals("established");
            case "exited" -> kind.equals("exited");
            case "peers" -> kind.equals("boot") || kind.equals("restart");
            default -> false;
        };
    }

    /** The events from the failing event up to the violation (the failing step and its outputs); empty if it passed. */
    public boolean inFailingStep(int e) {
        int f = failingEvent();
        return f >= 0 && e >= f && e <= violationEvent;
    }

    /** The node lane a failure message names first (e.g. "n04 keeps ..."), or -1. */
    public int failingLane() {
        if (message == null) {
            return -1;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\bn(\\d\\d)\\b").matcher(message);
        while (m.find()) {
            int lane = Integer.parseInt(m.group(1));
            if (lane < nodes) {
                return lane;
            }
        }
        return -1;
    }

    public String check() {
        return check;
    }

    public String message() {
        return message;
    }

    public RunSpec spec() {
        return spec;
    }

    public RunResult result() {
        return result;
    }

    /** Events the recorder did not keep (beyond its limit). */
    public long eventsNotRecorded() {
        return eventsNotRecorded;
    }

    /** Frame reports that matched no frame (a recorder bug if not 0 for a complete recording). */
    public long unmatchedFrameReports() {
        return unmatchedFrameReports;
    }

    /** The events after which the lane's state changed, ascending. */
    public List<Integer> changes(int lane) {
        return Collections.unmodifiableList(changeAt.get(lane));
    }

    /** The lane's state just after event {@code e} ({@code -1}: before the first event). */
    public Object stateAfter(int lane, int e) {
        List<Integer> at = changeAt.get(lane);
        int lo = 0;
        int hi = at.size() - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (at.get(mid) <= e) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        if (found >= 0) {
            return changeTo.get(lane).get(found);
        }
        if (lane == cpLane) {
            return CpSnapshot.notStarted();
        }
        if (lane == scenarioLane) {
            return null;
        }
        return NodeSnapshot.notBooted(laneName(lane));
    }

    public NodeSnapshot nodeAfter(int lane, int e) {
        return (NodeSnapshot) stateAfter(lane, e);
    }

    public CpSnapshot cpAfter(int e) {
        return (CpSnapshot) stateAfter(cpLane, e);
    }

    /** Frames in flight just after event {@code e}, in send order. */
    public List<Frame> inFlightAfter(int e) {
        List<Frame> out = new ArrayList<>();
        for (Frame f : frames) {
            if (f.sendEvent > e) {
                break;
            }
            if (f.inFlightAfter(e)) {
                out.add(f);
            }
        }
        return out;
    }

    /** Incarnations open just after event {@code e}, by lane then incarnation. */
    public List<Incarnation> incarnationsAfter(int e) {
        List<Incarnation> out = new ArrayList<>();
        for (Incarnation i : incarnations) {
            if (i.liveAfter(e)) {
                out.add(i);
            }
        }
        out.sort((a, b) -> a.lane != b.lane ? Integer.compare(a.lane, b.lane) : Long.compare(a.inc, b.inc));
        return out;
    }

    /** Calls issued at or before event {@code e} and not answered by then. */
    public List<Call> callsOpenAfter(int e) {
        List<Call> out = new ArrayList<>();
        for (Call c : calls) {
            if (c.startEvent <= e && (c.endEvent < 0 || c.endEvent > e)) {
                out.add(c);
            }
        }
        return out;
    }

    /**
     * How a lane's state differs between just after event {@code a} and just after event {@code b}:
     * one line per changed part, {@code part: before -> after}. Empty if nothing changed.
     */
    public List<String> diff(int lane, int a, int b) {
        return StateText.diff(stateAfter(lane, a), stateAfter(lane, b));
    }
}
