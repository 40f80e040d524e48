package org.trustquorum.sim.view;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.trustquorum.sim.RunProbe;
import org.trustquorum.sim.RunResult;
import org.trustquorum.sim.RunSpec;
import org.trustquorum.sim.RunWatcher;
import org.trustquorum.sim.Simulation;
import org.trustquorum.sim.log.EventSink;
import org.trustquorum.sim.log.FanOutSink;

/**
 * Builds a {@link Recording} while a run goes: it receives every readable event (as an
 * {@link EventSink}) and every frame's fate (as a {@link RunWatcher}), and after each event it
 * takes the state of the lanes the event touched. Only what changed is kept.
 */
public final class Recorder implements EventSink, RunWatcher {
    /** Events kept at most; the rest are counted (the run's last event is always kept). */
    public static final int DEFAULT_MAX_EVENTS = 2_000_000;

    private final Recording rec;
    private final int maxEvents;
    private RunProbe probe;
    private final Object[] last;
    /** Node lanes touched by the latest event: their state is taken when the next event comes. */
    private int touched = -1;
    private final Map<FrameKey, Recording.Frame> open = new HashMap<>();
    private final Map<String, Recording.Incarnation> incs = new HashMap<>();
    private final Map<Long, Recording.Call> apiCalls = new HashMap<>();
    private final Map<Long, Recording.Call> cpCalls = new HashMap<>();
    private final int[] life;
    private final Recording.Down[] downNow;
    private boolean full;

    private record FrameKey(long conn, int dir, long ordinal) {}

    public Recorder(int nodes) {
        this(nodes, DEFAULT_MAX_EVENTS);
    }

    public Recorder(int nodes, int maxEvents) {
        this.rec = new Recording(nodes);
        this.maxEvents = maxEvents;
        this.last = new Object[nodes + 2];
        this.life = new int[nodes];
        this.downNow = new Recording.Down[nodes + 2];
    }

    /** Runs {@code spec} with a recorder (and any other sinks) and returns the recording. */
    public static Recording record(RunSpec spec, EventSink... others) {
        Recorder r = new Recorder(spec.schedule().nodes());
        List<EventSink> sinks = new ArrayList<>(Arrays.asList(others));
        sinks.add(0, r);
        Simulation sim = new Simulation(spec, sinks.size() == 1 ? r : new FanOutSink(sinks));
        sim.watch(r);
        RunResult result = sim.run();
        return r.finish(spec, result);
    }

    @Override
    public void attach(RunProbe p) {
        this.probe = p;
    }

    /** Ends the recording (takes the last states) and returns it. */
    public Recording finish(RunSpec spec, RunResult result) {
        capture(rec.events.size() - 1);
        for (Recording.Frame f : open.values()) {
            f.fate = Recording.Fate.IN_FLIGHT;
        }
        open.clear();
        rec.spec = spec;
        rec.result = result;
        if (result != null && rec.check == null) {
            rec.check = result.check();
            rec.message = result.message();
        }
        return rec;
    }

    // ---------------------------------------------------------------------------------------------
    // Events

    @Override
    public void event(long atMs, String kind, Object... fields) {
        boolean last = kind.equals("violation") || kind.equals("converged");
        if (full && !last) {
            rec.eventsNotRecorded++;
            return;
        }
        int index = rec.events.size();
        capture(index - 1);
        if (index >= maxEvents - 1 && !last) {
            full = true;
        }
        String node = stringField(fields, "node");
        int lane;
        if (node != null) {
            lane = rec.laneOf(node);
        } else if (kind.startsWith("cp-")) {
            lane = rec.cpLane;
        } else {
            lane = rec.scenarioLane;
        }
        String peer = stringField(fields, "peer");
        if (peer == null) {
            peer = stringField(fields, "target");
        }
        int peerLane = peer == null ? -1 : rec.laneOf(peer);
        Recording.Event ev = new Recording.Event(index, atMs, kind, lane, peerLane,
                kind.equals("violation") ? Arrays.asList(fields) : readable(fields));
        rec.events.add(ev);
        touched = lane < rec.nodes() ? lane : -1;
        structures(ev);
    }

    /** Incarnations, calls and down times, from the event's kind. */
    private void structures(Recording.Event ev) {
        int i = ev.index();
        int lane = ev.lane();
        switch (ev.kind()) {
            case "boot", "restart" -> {
                life[lane] = intField(ev, "life");
                endDown(lane, i);
            }
            case "crash" -> {
                startDown(lane, i, String.valueOf(ev.field("how")));
                for (Recording.Incarnation inc : rec.incarnations) {
                    if (inc.lane == lane && inc.life == life[lane] && inc.endEvent() < 0) {
                        inc.crashEvent = i;
                    }
                }
                for (Recording.Call c : rec.calls) {
                    if (c.lane == lane && c.endEvent < 0 && apiCalls.get(c.id) == c) {
                        c.endEvent = i;
                        c.response = "(node crashed)";
                        apiCalls.remove(c.id);
                    }
                }
            }
            case "cp-crash" -> {
                startDown(lane, i, "crash");
                for (Recording.Call c : cpCalls.values()) {
                    c.endEvent = i;
                    c.response = "(control plane crashed)";
                }
                cpCalls.clear();
            }
            case "cp-restart" -> endDown(lane, i);
            case "dial", "accept" -> {
                Recording.Incarnation inc = new Recording.Incarnation(lane, life[lane], longField(ev, "inc"),
                        ev.peerLane(), ev.kind().equals("dial"), i);
                rec.incarnations.add(inc);
                incs.put(incKey(lane, inc.inc), inc);
            }
            case "established" -> {
                Recording.Incarnation inc = incs.get(incKey(lane, longField(ev, "inc")));
                if (inc != null && inc.establishedEvent < 0) {
                    inc.establishedEvent = i;
                    inc.late = Boolean.TRUE.equals(ev.field("late"));
                }
            }
            case "close" -> {
                Recording.Incarnation inc = incs.get(incKey(lane, longField(ev, "inc")));
                if (inc != null) {
                    inc.closeEvent = i;
                    inc.closeCause = String.valueOf(ev.field("cause"));
                }
            }
            case "exited" -> {
                Recording.Incarnation inc = incs.remove(incKey(lane, longField(ev, "inc")));
                if (inc != null) {
                    inc.exitEvent = i;
                    inc.exitCause = String.valueOf(ev.field("cause"));
                }
            }
            case "api-call" -> {
                String request = String.valueOf(ev.field("request"));
                int target = -1;
                int to = request.indexOf(" to n");
                if (request.startsWith("Proxy(") && to >= 0) {
                    target = rec.laneOf(request.substring(to + 4, Math.min(request.length(), to + 7)));
                }
                Recording.Call c = new Recording.Call(lane, longField(ev, "replyId"), request, i, target);
                rec.calls.add(c);
                apiCalls.put(c.id, c);
            }
            case "reply" -> {
                Recording.Call c = apiCalls.remove(longField(ev, "replyId"));
                if (c != null) {
                    c.endEvent = i;
                    c.response = String.valueOf(ev.field("response"));
                }
            }
            case "cp-call" -> {
                Object via = ev.field("via");
                String request = String.valueOf(ev.field("request")) + (via != null ? " via " + via : "");
                Recording.Call c = new Recording.Call(lane, longField(ev, "callId"), request, i, ev.peerLane());
                rec.calls.add(c);
                cpCalls.put(c.id, c);
            }
            case "cp-answer" -> {
                Recording.Call c = cpCalls.remove(longField(ev, "callId"));
                if (c != null) {
                    c.endEvent = i;
                    c.response = String.valueOf(ev.field("reply"));
                }
            }
            case "violation" -> {
                rec.violationEvent = i;
                rec.check = String.valueOf(ev.field("check"));
                rec.message = String.valueOf(ev.field("message"));
            }
            default -> { }
        }
    }

    private void startDown(int lane, int event, String how) {
        Recording.Down d = new Recording.Down(lane, event, how);
        rec.downs.add(d);
        downNow[lane] = d;
    }

    private void endDown(int lane, int event) {
        if (downNow[lane] != null) {
            downNow[lane].restartEvent = event;
            downNow[lane] = null;
        }
    }

    private static String incKey(int lane, long inc) {
        return lane + ":" + inc;
    }

    /** Takes the state of the lanes the event {@code e} touched (the control plane after every event). */
    private void capture(int e) {
        if (probe == null || e < 0) {
            return;
        }
        if (touched >= 0) {
            keep(touched, probe.node(touched), e);
            touched = -1;
        }
        keep(rec.cpLane, probe.controlPlane(), e);
    }

    private void keep(int lane, Object state, int e) {
        if (state.equals(last[lane])) {
            return;
        }
        last[lane] = state;
        List<Integer> at = rec.changeAt.get(lane);
        List<Object> to = rec.changeTo.get(lane);
        if (!at.isEmpty() && at.get(at.size() - 1) == e) {
            to.set(to.size() - 1, state);
        } else {
            at.add(e);
            to.add(state);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Frames

    @Override
    public void frameSent(long conn, int dir, long ordinal) {
        if (full || rec.events.isEmpty()) {
            return;
        }
        Recording.Event ev = rec.events.get(rec.events.size() - 1);
        if (!ev.kind().equals("send")) {
            rec.unmatchedFrameReports++;
            return;
        }
        Recording.Frame f = new Recording.Frame(conn, dir, ordinal, ev.lane(), ev.peerLane(), longField(ev, "inc"),
                String.valueOf(ev.field("msg")), (Long) ev.field("epoch"), (Long) ev.field("requestId"), ev.index());
        rec.frames.add(f);
        open.put(new FrameKey(conn, dir, ordinal), f);
    }

    @Override
    public void frameDelivered(long conn, int dir, long ordinal) {
        if (full) {
            return;
        }
        Recording.Frame f = open.remove(new FrameKey(conn, dir, ordinal));
        Recording.Event ev = rec.events.get(rec.events.size() - 1);
        if (f == null || !ev.kind().equals("recv")) {
            rec.unmatchedFrameReports++;
            return;
        }
        f.endEvent = ev.index();
        f.toInc = longField(ev, "inc");
        f.fate = Recording.Fate.DELIVERED;
    }

    @Override
    public void framesLost(long conn, int dir, long first, long count, Loss why) {
        if (full) {
            return;
        }
        for (long k = first; k < first + count; k++) {
            Recording.Frame f = open.remove(new FrameKey(conn, dir, k));
            if (f == null) {
                rec.unmatchedFrameReports++;
                continue;
            }
            f.endEvent = rec.events.size() - 1;
            f.fate = Recording.Fate.LOST;
            f.loss = why;
        }
    }

    // ---------------------------------------------------------------------------------------------

    /** Longest text value kept in a recorded event (the events file has the full text). */
    static final int MAX_TEXT = 300;
    private static final java.util.regex.Pattern NODE_ID = java.util.regex.Pattern.compile("tq-sim:node-(\\d\\d)");
    private static final java.util.regex.Pattern MEMBER = java.util.regex.Pattern.compile(
            "Member\\[id=(n\\d\\d), shareDigest=[0-9a-fA-F]*]");
    private static final java.util.regex.Pattern DIGEST = java.util.regex.Pattern.compile(
            ",? ?shareDigest=[0-9a-fA-F]+");

    /**
     * The event's fields with long texts made readable: node ids as their lane names, configuration
     * members without their share digests, and at most {@link #MAX_TEXT} characters.
     */
    static List<Object> readable(Object[] fields) {
        List<Object> out = new ArrayList<>(fields.length);
        for (Object f : fields) {
            out.add(f instanceof String s ? readable(s) : f);
        }
        return out;
    }

    static String readable(String s) {
        if (s.length() < 12 || s.indexOf(':') < 0 && s.indexOf('=') < 0) {
            return s;
        }
        String r = NODE_ID.matcher(s).replaceAll("n$1");
        r = MEMBER.matcher(r).replaceAll("$1");
        r = DIGEST.matcher(r).replaceAll("");
        return r.length() <= MAX_TEXT ? r : r.substring(0, MAX_TEXT - 1) + "\u2026";
    }

    private static String stringField(Object[] fields, String name) {
        for (int i = 0; i + 1 < fields.length; i += 2) {
            if (name.equals(fields[i])) {
                return fields[i + 1] == null ? null : String.valueOf(fields[i + 1]);
            }
        }
        return null;
    }

    private static long longField(Recording.Event ev, String name) {
        Object v = ev.field(name);
        return v instanceof Number n ? n.longValue() : -1;
    }

    private static int intField(Recording.Event ev, String name) {
        return (int) longField(ev, name);
    }
}
