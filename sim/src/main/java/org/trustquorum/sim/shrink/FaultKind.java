package org.trustquorum.sim.shrink;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.trustquorum.core.engine.EngineLimits;
import org.trustquorum.sim.scenario.Entry;
import org.trustquorum.sim.scenario.FaultMix;
import org.trustquorum.sim.scenario.Schedule;

/**
 * The kinds of fault a run can hold, as shrinking sees them: either timed entries of one type in
 * the schedule (with the fault-mix rate they were drawn with), or a fault-mix knob the simulator
 * consults while it runs (a percentage, or an engine bound below production's). Each can be
 * switched off or made milder; the schedule and its mix change together, so a saved file says
 * exactly what the run does.
 */
enum FaultKind {
    CRASH("crash", Entry.Crash.class, "crashPerMin"),
    CONTROL_PLANE_CRASH("control-plane-crash", Entry.CrashControlPlane.class, "cpCrashPerMin"),
    ABORT_RECONFIGURATION("abort-reconfiguration", Entry.AbortReconfiguration.class, "abortReconfigPerMin"),
    PARTITION("partition", Entry.Partition.class, "partitionPerMin"),
    ONE_WAY_PARTITION("one-way-partition", Entry.OneWayPartition.class, "oneWayPerMin"),
    ISOLATE("isolate", Entry.Isolate.class, "isolatePerMin"),
    ABORT_CONNECTION("abort-connection", Entry.AbortConnection.class, "abortPerMin"),
    HANDLER_EXCEPTION("handler-exception", Entry.HandlerException.class, "handlerExceptionPerMin"),
    STALL("stall", Entry.Stall.class, "stallPerMin"),
    FREEZE("freeze", Entry.Freeze.class, "freezePerMin"),
    SLOW_HANDSHAKE("slow-handshake", "slowHandshakePercent", 0),
    SLOW_ESTABLISH("slow-establish", "establishSlowPercent", 0),
    SLOW_EXIT("slow-exit", "slowExitPercent", 0),
    CONTROL_PLANE_LOSS("control-plane-loss", "cpLossPercent", 0),
    SMALL_QUEUE("small-queue", "queueCapacityFrames", EngineLimits.OUTBOUND_QUEUE_CAPACITY_FRAMES),
    PROXY_LIMIT("proxy-limit", "maxInFlightProxyRequests", EngineLimits.MAX_IN_FLIGHT_PROXY_REQUESTS);

    /** A drawn rate is kept to a tenth per minute (as the generator draws it). */
    private static final double RATE_STEP = 10.0;
    private static final long MAX_PERCENT = 100;

    private final String label;
    /** The entry type of an entry kind; null for a knob. */
    private final Class<? extends Entry> entryType;
    /** The fault-mix field: the entries' rate, or the knob. */
    private final String field;
    /** A knob's value when the fault is off (unused for entry kinds). */
    private final long offValue;

    FaultKind(String label, Class<? extends Entry> entryType, String rateField) {
        this.label = label;
        this.entryType = entryType;
        this.field = rateField;
        this.offValue = 0;
    }

    FaultKind(String label, String knob, long offValue) {
        this.label = label;
        this.entryType = null;
        this.field = knob;
        this.offValue = offValue;
    }

    String label() {
        return label;
    }

    /** Whether the run holds this fault at all. */
    boolean active(Schedule s) {
        if (entryType != null) {
            return s.entries().stream().anyMatch(entryType::isInstance);
        }
        return knob(s.mix()) != offValue;
    }

    /** The schedule without this fault. */
    Schedule off(Schedule s) {
        if (entryType != null) {
            List<Entry> kept = s.entries().stream().filter(e -> !entryType.isInstance(e)).toList();
            return withMix(s.withEntries(kept), field, 0.0);
        }
        return withMix(s, field, offValue);
    }

    /**
     * The schedule with this fault at a lower rate: every second entry of the kind dropped (and
     * the drawn rate halved), or the knob halfway to off. Null if it cannot get milder than off.
     */
    Schedule milder(Schedule s) {
        if (entryType != null) {
            List<Entry> kept = new ArrayList<>();
            int seen = 0;
            for (Entry e : s.entries()) {
                if (!entryType.isInstance(e) || seen++ % 2 == 0) {
                    kept.add(e);
                }
            }
            if (seen < 2) {
                return null;
            }
            double rate = ((Number) mixFields(s.mix()).get(field)).doubleValue();
            return withMix(s.withEntries(kept), field, Math.round(rate / 2 * RATE_STEP) / RATE_STEP);
        }
        long v = knob(s.mix());
        long milder = offValue == 0 ? v / 2 : Math.min(offValue, v * 2);
        if (milder == v || v == offValue) {
            return null;
        }
        return withMix(s, field, milder);
    }

    /**
     * The schedule with every active percentage knob (slow handshakes, exits, ...) multiplied by
     * {@code factor} (at most 100%); null if none is active. With fewer nodes there are fewer
     * connections and calls for a per-connection chance to hit, so the shrinker tries fewer nodes
     * with the chances raised to keep the expected number of such faults.
     */
    static Schedule compensated(Schedule s, double factor) {
        Schedule out = s;
        for (FaultKind k : values()) {
            if (k.entryType == null && k.offValue == 0 && k.active(s)) {
                long v = k.knob(s.mix());
                out = withMix(out, k.field, Math.min(MAX_PERCENT, (long) Math.ceil(v * factor)));
            }
        }
        return out == s ? null : out;
    }

    /** The labels of the kinds active in {@code s}. */
    static List<String> activeLabels(Schedule s) {
        List<String> out = new ArrayList<>();
        for (FaultKind k : values()) {
            if (k.active(s)) {
                out.add(k.label);
            }
        }
        return out;
    }

    private long knob(FaultMix m) {
        return ((Number) mixFields(m).get(field)).longValue();
    }

    private static Map<String, Object> mixFields(FaultMix m) {
        return ScheduleCodec.recordToJson(m);
    }

    private static Schedule withMix(Schedule s, String field, Object value) {
        Map<String, Object> fields = mixFields(s.mix());
        fields.put(field, value);
        FaultMix mix = ScheduleCodec.recordFromJson(FaultMix.class, fields);
        return new Schedule(s.nodes(), mix, s.initialMembers(), s.initialThreshold(), s.entries());
    }
}
