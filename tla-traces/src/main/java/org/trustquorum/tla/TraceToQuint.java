package org.trustquorum.tla;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Turns a simulator trace (JSON Lines, one event object per line) into a Quint module that
 * replays it against the spec with {@code quint test --backend typescript}.
 *
 * <p>The module imports spec/TraceReplay.qnt through a path relative to where it is written
 * (Quint accepts only relative imports), holds the events as data, each packed into one integer
 * (see {@link #pack}; a comment shows it unpacked) in chunks of {@value #CHUNK} (Quint's type
 * checker is quadratic in the size of one definition), and defines
 * {@code run traceTest = replayFast(EVENTS)} and {@code run traceExact = replay(EVENTS)}.
 *
 * <p>Incarnation and request ids are renumbered per node to 1, 2, 3, ... in order of first
 * appearance, separately for each life of the node (a {@code Crash} starts a new life), which is
 * the numbering the spec requires. Renumbering keeps distinct ids distinct and equal ids equal
 * within a life, so a reused or unknown id is still rejected by the spec.
 */
@Command(
        name = "trace-to-quint",
        mixinStandardHelpOptions = true,
        description = "Convert a JSONL simulator trace into a Quint trace-validation module.")
public final class TraceToQuint implements Callable<Integer> {

    /** Events per {@code pure val} chunk in the generated module. */
    public static final int CHUNK = 20;

    /** Bits per field of a packed event (TraceReplay.qnt's FIELD_BITS). */
    public static final int FIELD_BITS = 64;

    /** ProxyFail reasons with a code of their own (TraceReplay.qnt's REASONS); others get 0. */
    public static final List<String> REASONS = List.of("", "timeout", "invalid");

    private static final ObjectMapper JSON = new ObjectMapper();

    @Parameters(index = "0", description = "input trace, one JSON event per line")
    private Path input;

    @Parameters(index = "1", description = "output .qnt file (its file name gives the module name)")
    private Path output;

    @Option(names = "--spec-dir", description = "directory holding TraceReplay.qnt (default: ${DEFAULT-VALUE})",
            defaultValue = "spec")
    private Path specDir;

    @Option(names = "--nodes", description = "number of nodes N (ids 1..N); default: the largest id in the trace")
    private Integer nodes;

    @Option(names = "--keep-ids", description = "do not renumber incarnation and request ids")
    private boolean keepIds;

    public static void main(String[] args) {
        System.exit(new CommandLine(new TraceToQuint()).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        try {
            List<TraceEvent> events = readJsonl(input);
            write(events, output, specDir, nodes, !keepIds);
            System.out.println("wrote " + output + " (" + events.size() + " events)");
            return 0;
        } catch (TraceFormatException e) {
            System.err.println(input + ": " + e.getMessage());
            return 2;
        }
    }

    // ------------------------------------------------------------------------------------------
    // Reading
    // ------------------------------------------------------------------------------------------

    public static List<TraceEvent> readJsonl(Path file) throws IOException, TraceFormatException {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parseJsonl(reader);
        }
    }

    public static List<TraceEvent> parseJsonl(String text) throws TraceFormatException {
        try {
            return parseJsonl(new StringReader(text));
        } catch (IOException e) {
            throw new IllegalStateException("reading a string failed", e);
        }
    }

    /** Parses one event per non-blank line. */
    public static List<TraceEvent> parseJsonl(Reader reader) throws IOException, TraceFormatException {
        List<TraceEvent> events = new ArrayList<>();
        BufferedReader lines = new BufferedReader(reader);
        int lineNo = 0;
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            lineNo++;
            if (!line.isBlank()) {
                events.add(parseEvent(lineNo, line));
            }
        }
        return events;
    }

    static TraceEvent parseEvent(int lineNo, String line) throws TraceFormatException {
        JsonNode obj;
        try {
            obj = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new TraceFormatException(lineNo, "not JSON: " + e.getOriginalMessage());
        }
        if (obj == null || !obj.isObject()) {
            throw new TraceFormatException(lineNo, "expected a JSON object");
        }
        JsonNode kindNode = obj.get("kind");
        if (kindNode == null || !kindNode.isTextual()) {
            throw new TraceFormatException(lineNo, "missing string field 'kind'");
        }
        TraceEvent.Kind kind;
        try {
            kind = TraceEvent.Kind.valueOf(kindNode.asText());
        } catch (IllegalArgumentException e) {
            throw new TraceFormatException(lineNo, "unknown kind '" + kindNode.asText() + "'");
        }
        for (TraceEvent.Field f : kind.required()) {
            if (!obj.has(f.jsonName())) {
                throw new TraceFormatException(lineNo, kind + " needs field '" + f.jsonName() + "'");
            }
        }
        TraceEvent ev = TraceEvent.of(kind)
                .withNode(intField(lineNo, obj, "node"))
                .withPeer(intField(lineNo, obj, "peer"))
                .withEpoch(longField(lineNo, obj, "epoch"))
                .withInc(longField(lineNo, obj, "inc"))
                .withReq(longField(lineNo, obj, "req"))
                .withK(intField(lineNo, obj, "k"))
                .withMembers(membersField(lineNo, obj))
                .withReason(reasonField(lineNo, obj));
        if (kind.required().contains(TraceEvent.Field.NODE) && ev.node() < 1) {
            throw new TraceFormatException(lineNo, "node ids start at 1");
        }
        return ev;
    }

    private static long longField(int lineNo, JsonNode obj, String name) throws TraceFormatException {
        JsonNode v = obj.get(name);
        if (v == null || v.isNull()) {
            return 0;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0) {
            throw new TraceFormatException(lineNo, "'" + name + "' must be a non-negative integer");
        }
        return v.asLong();
    }

    private static int intField(int lineNo, JsonNode obj, String name) throws TraceFormatException {
        long v = longField(lineNo, obj, name);
        if (v > Integer.MAX_VALUE) {
            throw new TraceFormatException(lineNo, "'" + name + "' is too large");
        }
        return (int) v;
    }

    private static SortedSet<Integer> membersField(int lineNo, JsonNode obj) throws TraceFormatException {
        SortedSet<Integer> members = new TreeSet<>();
        JsonNode v = obj.get("members");
        if (v == null || v.isNull()) {
            return members;
        }
        if (!v.isArray()) {
            throw new TraceFormatException(lineNo, "'members' must be an array of node ids");
        }
        for (Iterator<JsonNode> it = v.elements(); it.hasNext(); ) {
            JsonNode m = it.next();
            if (!m.isIntegralNumber() || !m.canConvertToInt() || m.asInt() < 1) {
                throw new TraceFormatException(lineNo, "'members' must hold node ids (integers >= 1)");
            }
            if (!members.add(m.asInt())) {
                throw new TraceFormatException(lineNo, "'members' lists node " + m.asInt() + " twice");
            }
        }
        return members;
    }

    private static String reasonField(int lineNo, JsonNode obj) throws TraceFormatException {
        JsonNode v = obj.get("reason");
        if (v == null || v.isNull()) {
            return "";
        }
        if (!v.isTextual() || !v.asText().matches("[A-Za-z0-9_-]*")) {
            throw new TraceFormatException(lineNo, "'reason' must be a word (letters, digits, '_', '-')");
        }
        return v.asText();
    }

    // ------------------------------------------------------------------------------------------
    // Renumbering
    // ------------------------------------------------------------------------------------------

    /**
     * Renumbers incarnation and request ids per node and life to 1, 2, 3, ... in order of first
     * appearance. Id 0 (no incarnation, for a ProxySend that failed at once) stays 0.
     */
    public static List<TraceEvent> renumber(List<TraceEvent> events) {
        record Key(int node, int life, long raw) {}
        Map<Integer, Integer> life = new HashMap<>();
        Map<Key, Long> incs = new HashMap<>();
        Map<Key, Long> reqs = new HashMap<>();
        Map<Integer, Long> lastInc = new HashMap<>();
        Map<Integer, Long> lastReq = new HashMap<>();
        List<TraceEvent> out = new ArrayList<>(events.size());
        for (TraceEvent ev : events) {
            int n = ev.node();
            int l = life.getOrDefault(n, 0);
            TraceEvent r = ev;
            if (ev.kind().hasIncarnation() && ev.inc() != 0) {
                long id = incs.computeIfAbsent(new Key(n, l, ev.inc()), key -> lastInc.merge(n, 1L, Long::sum));
                r = r.withInc(id);
            }
            if (ev.kind().hasRequest() && ev.req() != 0) {
                long id = reqs.computeIfAbsent(new Key(n, l, ev.req()), key -> lastReq.merge(n, 1L, Long::sum));
                r = r.withReq(id);
            }
            if (ev.kind() == TraceEvent.Kind.Crash) {
                life.put(n, l + 1);
            }
            out.add(r);
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------
    // Writing
    // ------------------------------------------------------------------------------------------

    /** Writes the module for {@code events} to {@code out}; returns the module name. */
    public static String write(List<TraceEvent> events, Path out, Path specDir, Integer nodes, boolean renumber)
            throws IOException {
        Path outAbs = out.toAbsolutePath().normalize();
        String module = moduleName(outAbs.getFileName().toString());
        String importPath = importPath(outAbs.getParent(), specDir.toAbsolutePath().normalize());
        List<TraceEvent> evs = renumber ? renumber(events) : events;
        int n = nodes != null ? nodes : maxNodeId(evs);
        String text = render(module, importPath, n, evs);
        if (outAbs.getParent() != null) {
            Files.createDirectories(outAbs.getParent());
        }
        Files.writeString(outAbs, text, StandardCharsets.UTF_8);
        return module;
    }

    /** The largest node id mentioned (at least 1). */
    public static int maxNodeId(List<TraceEvent> events) {
        int max = 1;
        for (TraceEvent ev : events) {
            for (int id : ev.nodeIds()) {
                max = Math.max(max, id);
            }
        }
        return max;
    }

    /** A Quint module name from a file name: "ok_trace.qnt" -> "ok_trace". */
    public static String moduleName(String fileName) {
        String base = fileName.endsWith(".qnt") ? fileName.substring(0, fileName.length() - 4) : fileName;
        String name = base.replaceAll("[^A-Za-z0-9_]", "_");
        if (name.isEmpty() || !Character.isLetter(name.charAt(0))) {
            name = "trace_" + name;
        }
        return name;
    }

    /** Quint import path (relative, '/'-separated, no extension) of TraceReplay.qnt. */
    public static String importPath(Path fromDir, Path specDir) {
        Path rel = fromDir.relativize(specDir.resolve("TraceReplay"));
        String s = rel.toString().replace('\\', '/');
        return s.startsWith("../") ? s : "./" + s;
    }

    /** The module text for one trace: chunks E0, E1, ..., list EVENTS, test traceTest. */
    public static String render(String module, String importPath, int nodes, List<TraceEvent> events) {
        Map<String, List<TraceEvent>> one = new LinkedHashMap<>();
        one.put("", events);
        return renderMany(module, importPath, nodes, one);
    }

    /**
     * The module text for several traces replayed by one {@code quint test} run (the spec is
     * loaded once). Trace {@code name} gets chunks {@code name_E0, ...}, list
     * {@code name_EVENTS} and test {@code nameTest}; the empty name gives E0, EVENTS, traceTest.
     * Names must be Quint identifiers (see {@link #traceName}).
     */
    public static String renderMany(String module, String importPath, int nodes, Map<String, List<TraceEvent>> traces) {
        StringBuilder sb = new StringBuilder();
        sb.append("// Generated by org.trustquorum.tla.TraceToQuint; do not edit.\n");
        sb.append("// Replay: bin/quint test <this file> --backend typescript --max-samples 1\n");
        sb.append("// Each event is one packed integer; the comment after it shows the event unpacked.\n");
        sb.append("module ").append(module).append(" {\n");
        sb.append("  import TraceEvents.* from \"").append(importPath).append("\"\n");
        sb.append("  import TraceReplay(TRACE_NODES = 1.to(").append(nodes).append(")).* from \"")
                .append(importPath).append("\"\n");
        for (Map.Entry<String, List<TraceEvent>> trace : traces.entrySet()) {
            String prefix = trace.getKey().isEmpty() ? "" : trace.getKey() + "_";
            List<TraceEvent> events = trace.getValue();
            int chunks = (events.size() + CHUNK - 1) / CHUNK;
            for (int c = 0; c < chunks; c++) {
                int from = c * CHUNK;
                int to = Math.min(events.size(), from + CHUNK);
                sb.append("\n  // events ").append(from).append("..").append(to - 1).append('\n');
                sb.append("  pure val ").append(prefix).append('E').append(c).append(": List[int] = [\n");
                for (int i = from; i < to; i++) {
                    sb.append("    ").append(pack(events.get(i))).append(", // ").append(i).append(' ')
                            .append(render(events.get(i))).append('\n');
                }
                sb.append("  ]\n");
            }
            String chunkList = java.util.stream.IntStream.range(0, chunks).mapToObj(c -> prefix + "E" + c)
                    .collect(Collectors.joining(", "));
            sb.append("\n  pure val ").append(prefix).append("EVENTS: List[int] = [").append(chunkList)
                    .append("].foldl([], (acc, c) => acc.concat(c))\n");
            sb.append("\n  run ").append(testName(trace.getKey())).append(" = replayFast(").append(prefix)
                    .append("EVENTS)\n");
            sb.append("  run ").append(exactTestName(trace.getKey())).append(" = replay(").append(prefix)
                    .append("EVENTS)\n");
        }
        sb.append("}\n");
        return sb.toString();
    }

    /** The quint test that replays the trace with this name (fast replay; run by default). */
    public static String testName(String traceName) {
        return traceName.isEmpty() ? "traceTest" : traceName + "Test";
    }

    /** The exact replay of the trace with this name (run with {@code --match} when the fast one fails). */
    public static String exactTestName(String traceName) {
        return traceName.isEmpty() ? "traceExact" : traceName + "Exact";
    }

    /**
     * One event as one integer: nine fields of {@value #FIELD_BITS} bits, lowest first: kind
     * (its ordinal), node, peer, epoch, inc, req, k, members (bit n - 1 for node n), reason (its
     * index in {@link #REASONS}, 0 for any other). TraceReplay.qnt's {@code unpack} inverts it.
     */
    public static BigInteger pack(TraceEvent ev) {
        long mask = 0;
        for (int m : ev.members()) {
            if (m < 1 || m > FIELD_BITS) {
                throw new IllegalArgumentException("node id " + m + " does not fit a members mask");
            }
            mask |= 1L << (m - 1);
        }
        int reason = Math.max(0, REASONS.indexOf(ev.reason()));
        long[] fields = {ev.kind().ordinal(), ev.node(), ev.peer(), ev.epoch(), ev.inc(), ev.req(), ev.k(), 0, reason};
        BigInteger packed = BigInteger.ZERO;
        for (int i = fields.length - 1; i >= 0; i--) {
            BigInteger field = i == 7 ? new BigInteger(Long.toUnsignedString(mask)) : BigInteger.valueOf(fields[i]);
            if (field.signum() < 0) {
                throw new IllegalArgumentException("negative field in " + ev);
            }
            packed = packed.shiftLeft(FIELD_BITS).or(field);
        }
        return packed;
    }

    /** A trace name usable in a multi-trace module: "seed-17" -> "seed_17". */
    public static String traceName(String label) {
        String name = label.replaceAll("[^A-Za-z0-9_]", "_");
        return name.isEmpty() || !Character.isLetter(name.charAt(0)) ? "t_" + name : name;
    }

    /** One event as a JSON object of the trace format (the fields its kind requires). */
    public static String toJson(TraceEvent ev) {
        StringBuilder sb = new StringBuilder("{\"kind\":\"").append(ev.kind().name()).append('"');
        for (TraceEvent.Field f : ev.kind().required()) {
            sb.append(",\"").append(f.jsonName()).append("\":");
            switch (f) {
                case NODE -> sb.append(ev.node());
                case PEER -> sb.append(ev.peer());
                case EPOCH -> sb.append(ev.epoch());
                case INC -> sb.append(ev.inc());
                case REQ -> sb.append(ev.req());
                case K -> sb.append(ev.k());
                case MEMBERS -> sb.append(ev.members().stream().map(String::valueOf)
                        .collect(Collectors.joining(",", "[", "]")));
                case REASON -> sb.append('"').append(ev.reason()).append('"');
            }
        }
        return sb.append('}').toString();
    }

    /** A readable rendering: {@code ConnExit(node 4, inc 9)}. */
    public static String describe(TraceEvent ev) {
        List<String> parts = new ArrayList<>();
        for (TraceEvent.Field f : ev.kind().required()) {
            String value = switch (f) {
                case NODE -> String.valueOf(ev.node());
                case PEER -> String.valueOf(ev.peer());
                case EPOCH -> String.valueOf(ev.epoch());
                case INC -> String.valueOf(ev.inc());
                case REQ -> String.valueOf(ev.req());
                case K -> String.valueOf(ev.k());
                case MEMBERS -> ev.members().toString();
                case REASON -> ev.reason();
            };
            parts.add(f.jsonName() + " " + value);
        }
        return ev.kind().name() + "(" + String.join(", ", parts) + ")";
    }

    /** One event as a call of the spec's positional constructor {@code ev}. */
    public static String render(TraceEvent ev) {
        String members = ev.members().stream().map(String::valueOf).collect(Collectors.joining(", "));
        return String.format(Locale.ROOT, "ev(\"%s\", %d, %d, %d, %d, %d, %d, Set(%s), \"%s\")",
                ev.kind().name(), ev.node(), ev.peer(), ev.epoch(), ev.inc(), ev.req(), ev.k(), members,
                ev.reason());
    }
}
