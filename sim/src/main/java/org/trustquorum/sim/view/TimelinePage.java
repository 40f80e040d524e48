package org.trustquorum.sim.view;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.trustquorum.sim.json.Json;

/**
 * Writes a {@link Recording} as one self-contained HTML page: a space-time diagram (a lane per
 * node, one for the control plane, one for the scenario; frames as arrows from send to delivery,
 * lost ones dashed red ending in an X; connection incarnations as bars; crashes, proxy calls, the
 * failing event) and a panel with the selected node's state as of the selected event. The run's
 * data is embedded as gzip-compressed JSON that the page unpacks with the browser's own
 * {@code DecompressionStream}; the page loads nothing from the network.
 */
public final class TimelinePage {
    /** Beyond this many events the page leaves out pings, flushes and timers, then cuts the middle. */
    public static final int MAX_PAGE_EVENTS = 400_000;
    private static final String TEMPLATE = "timeline.html";

    private TimelinePage() {}

    /** Writes the page; {@code replay} is the command that re-runs the run (shown on the page). */
    public static void write(Recording rec, String replay, Writer out) {
        try {
            String template = template();
            String json = json(rec, replay, MAX_PAGE_EVENTS);
            String title = "tq timeline: " + describe(rec);
            String html = template.replace("%%TITLE%%", escape(title)).replace("%%DATA%%", gzipBase64(json));
            out.write(html);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void write(Recording rec, String replay, Path file) {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            write(rec, replay, w);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One line: seed, options and outcome. */
    static String describe(Recording rec) {
        StringBuilder sb = new StringBuilder();
        if (rec.spec() != null) {
            sb.append("seed ").append(Long.toUnsignedString(rec.spec().seed())).append(", ")
                    .append(rec.nodes()).append(" nodes, ").append(rec.spec().profile().cliName());
            if (rec.spec().mutant() != org.trustquorum.core.Mutation.NONE) {
                sb.append(", mutant ").append(rec.spec().mutant().cliName());
            }
            sb.append(": ");
        }
        sb.append(rec.check() == null ? "passed" : "FAILED " + rec.check());
        return sb.toString();
    }

    private static String template() throws IOException {
        try (InputStream in = TimelinePage.class.getResourceAsStream(TEMPLATE)) {
            if (in == null) {
                throw new IOException("resource " + TEMPLATE + " is missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static String gzipBase64(String json) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes, 1 << 16)) {
            gz.write(json.getBytes(StandardCharsets.UTF_8));
        }
        return Base64.getEncoder().encodeToString(bytes.toByteArray());
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** Pings, flushes and timers: hidden by default on the page, and left out first when a page gets too big. */
    static boolean noise(Recording.Event e) {
        switch (e.kind()) {
            case "send", "recv", "lost" -> {
                return "Ping".equals(e.field("msg"));
            }
            case "step" -> {
                String in = String.valueOf(e.field("input"));
                return in.equals("timer") || in.startsWith("flushed") || in.startsWith("frame inc") && in.endsWith(" Ping");
            }
            default -> {
                return false;
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // The embedded data (see the page's script for how it is read)

    /** The page's data as JSON. Events beyond {@code maxEvents} are left out (see {@link #MAX_PAGE_EVENTS}). */
    static String json(Recording rec, String replay, int maxEvents) {
        int n = rec.size();
        int[] keep = chooseEvents(rec, maxEvents);
        boolean omitted = keep.length < n;
        StringBuilder sb = new StringBuilder(n * 64 + 4096);
        Map<String, Object> meta = new LinkedHashMap<>();
        if (rec.spec() != null) {
            meta.put("seed", Long.toUnsignedString(rec.spec().seed()));
            meta.put("profile", rec.spec().profile().cliName());
            meta.put("mutant", rec.spec().mutant().cliName());
        }
        meta.put("nodes", (long) rec.nodes());
        meta.put("title", describe(rec));
        meta.put("replay", replay);
        meta.put("passed", rec.check() == null);
        meta.put("check", rec.check());
        meta.put("message", rec.message());
        if (rec.result() != null) {
            meta.put("runEvents", rec.result().events());
            meta.put("virtualMs", rec.result().virtualMs());
            meta.put("digest", rec.result().digest());
        }
        meta.put("logEvents", (long) n + rec.eventsNotRecorded());
        meta.put("notRecorded", rec.eventsNotRecorded());
        meta.put("omitted", (long) (n - keep.length));
        meta.put("failingEvent", (long) mapEvent(keep, rec.failingEvent()));
        meta.put("violationEvent", (long) mapEvent(keep, rec.violationEvent()));
        meta.put("failingLane", (long) rec.failingLane());
        sb.append("{\"meta\":");
        sb.append(Json.writeCompact(meta));
        List<String> lanes = new ArrayList<>();
        for (int i = 0; i < rec.lanes(); i++) {
            lanes.add(rec.laneName(i));
        }
        sb.append(",\"lanes\":").append(Json.writeCompact(lanes));

        // Events, column by column; kinds as indexes into a table.
        Strings kinds = new Strings();
        int[] k = new int[keep.length];
        for (int j = 0; j < keep.length; j++) {
            k[j] = kinds.id(rec.event(keep[j]).kind());
        }
        sb.append(",\"kinds\":").append(Json.writeCompact(kinds.list));
        sb.append(",\"ev\":{\"t\":");
        ints(sb, keep.length, j -> rec.event(keep[j]).atMs());
        sb.append(",\"k\":");
        ints(sb, keep.length, j -> k[j]);
        sb.append(",\"l\":");
        ints(sb, keep.length, j -> rec.event(keep[j]).lane());
        sb.append(",\"p\":");
        ints(sb, keep.length, j -> rec.event(keep[j]).peerLane());
        sb.append(",\"n\":");
        ints(sb, keep.length, j -> noise(rec.event(keep[j])) ? 1 : 0);
        if (omitted) {
            sb.append(",\"o\":");
            ints(sb, keep.length, j -> keep[j]);
        }
        sb.append(",\"x\":[");
        for (int j = 0; j < keep.length; j++) {
            if (j > 0) {
                sb.append(',');
            }
            Json.quote(sb, rec.event(keep[j]).details());
        }
        sb.append("]}");

        // Frames: send and end events, lanes, label, fate (0 delivered, 1 lost, 2 in flight), loss reason.
        Strings labels = new Strings();
        List<int[]> fr = new ArrayList<>();
        for (Recording.Frame f : rec.frames()) {
            int s = mapEvent(keep, f.sendEvent);
            if (s < 0 || keep[s] != f.sendEvent) {
                continue; // its send was left out
            }
            int e = f.endEvent() < 0 ? -1 : mapEvent(keep, f.endEvent());
            int fate = f.fate().ordinal();
            int loss = f.loss() == null ? -1 : labels.id(lossText(f.loss()));
            fr.add(new int[] {s, e, f.from, f.to, labels.id(f.label()), fate, loss});
        }
        sb.append(",\"labels\":").append(Json.writeCompact(labels.list));
        sb.append(",\"fr\":");
        rows(sb, fr);

        // Incarnations: lane, life, inc, peer, dialed, open, established, late, close, close cause, end, end cause.
        Strings causes = new Strings();
        List<int[]> incs = new ArrayList<>();
        for (Recording.Incarnation i : rec.incarnations()) {
            int open = mapEvent(keep, i.openEvent);
            if (open < 0) {
                continue;
            }
            int end = i.endEvent() < 0 ? -1 : mapEvent(keep, i.endEvent());
            String endCause = i.exitEvent() >= 0 ? i.exitCause() : i.crashEvent() >= 0 ? "node crashed" : "";
            incs.add(new int[] {i.lane, i.life, (int) i.inc, i.peerLane, i.dialed ? 1 : 0, open,
                    i.establishedEvent() < 0 ? -1 : mapEvent(keep, i.establishedEvent()), i.late() ? 1 : 0,
                    i.closeEvent() < 0 ? -1 : mapEvent(keep, i.closeEvent()),
                    i.closeCause() == null ? -1 : causes.id(i.closeCause()), end, causes.id(endCause)});
        }
        sb.append(",\"causes\":").append(Json.writeCompact(causes.list));
        sb.append(",\"inc\":");
        rows(sb, incs);

        // Calls: lane, id, request, start, end, response, target lane.
        sb.append(",\"calls\":[");
        boolean first = true;
        for (Recording.Call c : rec.calls()) {
            int s = mapEvent(keep, c.startEvent);
            if (s < 0) {
                continue;
            }
            if (!first) {
                sb.append(',');
            }
            first = false;
            sb.append('[').append(c.lane).append(',').append(c.id).append(',');
            Json.quote(sb, c.request);
            sb.append(',').append(s).append(',').append(c.endEvent() < 0 ? -1 : mapEvent(keep, c.endEvent()))
                    .append(',');
            Json.quote(sb, c.response() == null ? "" : c.response());
            sb.append(',').append(c.targetLane).append(']');
        }
        sb.append(']');

        // Down times: lane, crash, restart, how.
        sb.append(",\"downs\":[");
        first = true;
        for (Recording.Down d : rec.downs()) {
            int s = mapEvent(keep, d.crashEvent);
            if (s < 0) {
                continue;
            }
            if (!first) {
                sb.append(',');
            }
            first = false;
            sb.append('[').append(d.lane).append(',').append(s).append(',')
                    .append(d.restartEvent() < 0 ? -1 : mapEvent(keep, d.restartEvent())).append(',');
            Json.quote(sb, d.how);
            sb.append(']');
        }
        sb.append(']');

        // States: [event, lane, {part: value, ...}] with only the parts that changed since the lane's previous entry.
        sb.append(",\"st\":[");
        first = true;
        for (int lane = 0; lane < rec.lanes(); lane++) {
            Map<String, Object> prev = new HashMap<>();
            List<Integer> at = rec.changes(lane);
            for (int c = 0; c < at.size(); c++) {
                int e = mapEvent(keep, at.get(c));
                if (e < 0) {
                    e = 0;
                }
                Map<String, Object> parts = new LinkedHashMap<>();
                for (StateText.Part p : StateText.parts(rec.stateAfter(lane, at.get(c)))) {
                    Object v = p.list() ? p.items() : p.value();
                    if (!v.equals(prev.get(p.label()))) {
                        parts.put(p.label(), v);
                        prev.put(p.label(), v);
                    }
                }
                if (parts.isEmpty()) {
                    continue;
                }
                if (!first) {
                    sb.append(',');
                }
                first = false;
                sb.append('[').append(e).append(',').append(lane).append(',').append(Json.writeCompact(parts))
                        .append(']');
            }
        }
        sb.append("]}");
        return sb.toString();
    }

    static String lossText(org.trustquorum.sim.RunWatcher.Loss loss) {
        return loss.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    /** The events the page keeps: all of them, or without noise, or without noise and the middle cut out. */
    static int[] chooseEvents(Recording rec, int maxEvents) {
        int n = rec.size();
        if (n <= maxEvents) {
            int[] all = new int[n];
            for (int i = 0; i < n; i++) {
                all[i] = i;
            }
            return all;
        }
        List<Integer> quiet = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (!noise(rec.event(i)) || i >= n - 2) {
                quiet.add(i);
            }
        }
        if (quiet.size() > maxEvents) {
            int head = maxEvents / 4;
            int tail = maxEvents - head;
            List<Integer> cut = new ArrayList<>(quiet.subList(0, head));
            cut.addAll(quiet.subList(quiet.size() - tail, quiet.size()));
            quiet = cut;
        }
        return quiet.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The first kept event at or after original event {@code e}; -1 for -1 or past the end. */
    static int mapEvent(int[] keep, int e) {
        if (e < 0) {
            return -1;
        }
        int lo = 0;
        int hi = keep.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (keep[mid] < e) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo < keep.length ? lo : -1;
    }

    private interface IntAt {
        long at(int i);
    }

    private static void ints(StringBuilder sb, int n, IntAt f) {
        sb.append('[');
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(f.at(i));
        }
        sb.append(']');
    }

    private static void rows(StringBuilder sb, List<int[]> rows) {
        sb.append('[');
        for (int r = 0; r < rows.size(); r++) {
            if (r > 0) {
                sb.append(',');
            }
            int[] row = rows.get(r);
            sb.append('[');
            for (int c = 0; c < row.length; c++) {
                if (c > 0) {
                    sb.append(',');
                }
                sb.append(row[c]);
            }
            sb.append(']');
        }
        sb.append(']');
    }

    /** A string table. */
    private static final class Strings {
        final List<String> list = new ArrayList<>();
        final Map<String, Integer> ids = new HashMap<>();

        int id(String s) {
            return ids.computeIfAbsent(s, x -> {
                list.add(x);
                return list.size() - 1;
            });
        }
    }
}
