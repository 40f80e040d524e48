package org.trustquorum.tla;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Generates the replay module for traces and runs it through quint.
 *
 * <p>Every trace is replayed twice at most: first by its fast test (one recorded state per event,
 * run for all traces of a module in one quint process), then, only if that fails, by its exact
 * test, whose failure names the first event the spec does not allow or the event after which the
 * invariants fail (see TraceReplay.qnt).
 */
public final class TraceValidator {

    private final QuintRunner quint;

    public TraceValidator(QuintRunner quint) {
        this.quint = quint;
    }

    /** Replays an already generated single-trace module (tests traceTest, then traceExact). */
    public TraceVerdict check(Path module) {
        String file = module.toAbsolutePath().toString();
        QuintRunner.Result fast = quint.run(testCommand(file, null));
        TraceVerdict v = TraceVerdict.parseMany(fast, List.of(TraceToQuint.testName(""))).get(TraceToQuint.testName(""));
        if (v instanceof TraceVerdict.Accepted) {
            return v;
        }
        return TraceVerdict.of(quint.run(testCommand(file, "^" + TraceToQuint.exactTestName("") + "$")));
    }

    /**
     * Writes the module for {@code events} to {@code module} (importing the spec from
     * {@code specDir}) and replays it.
     */
    public TraceVerdict check(List<TraceEvent> events, Path module, Path specDir) throws IOException {
        TraceToQuint.write(events, module, specDir, null, true);
        return check(module);
    }

    /** Same, with the spec of this tla-traces directory. */
    public TraceVerdict check(List<TraceEvent> events, Path module) throws IOException {
        return check(events, module, quint.specDir());
    }

    /**
     * Writes one module holding all {@code traces} (keys are trace names, see
     * {@link TraceToQuint#traceName}) and replays them in a single quint run; the spec is loaded
     * once, which is much faster than one run per trace. Traces that fail are replayed again,
     * together, by their exact tests. Returns the verdict per trace name. The spec's node set is
     * 1..N for the largest node id the traces mention.
     */
    public Map<String, TraceVerdict> checkAll(Map<String, List<TraceEvent>> traces, Path module, Path specDir)
            throws IOException {
        int nodes = 1;
        for (List<TraceEvent> t : traces.values()) {
            nodes = Math.max(nodes, TraceToQuint.maxNodeId(t));
        }
        return checkAll(traces, module, specDir, nodes);
    }

    /** Same, with the spec's node set 1..{@code nodes} (at least the largest id mentioned). */
    public Map<String, TraceVerdict> checkAll(Map<String, List<TraceEvent>> traces, Path module, Path specDir,
            int nodes) throws IOException {
        Map<String, List<TraceEvent>> renumbered = new LinkedHashMap<>();
        int needed = 1;
        for (Map.Entry<String, List<TraceEvent>> t : traces.entrySet()) {
            if (t.getKey().isEmpty() || !t.getKey().equals(TraceToQuint.traceName(t.getKey()))) {
                throw new IllegalArgumentException("not a trace name: '" + t.getKey() + "'");
            }
            renumbered.put(t.getKey(), TraceToQuint.renumber(t.getValue()));
            needed = Math.max(needed, TraceToQuint.maxNodeId(t.getValue()));
        }
        if (nodes < needed) {
            throw new IllegalArgumentException("the traces mention node " + needed + " but the spec has " + nodes);
        }
        Path out = module.toAbsolutePath().normalize();
        Files.createDirectories(out.getParent());
        Files.writeString(out, TraceToQuint.renderMany(TraceToQuint.moduleName(out.getFileName().toString()),
                TraceToQuint.importPath(out.getParent(), specDir.toAbsolutePath().normalize()), nodes, renumbered),
                StandardCharsets.UTF_8);

        Map<String, String> fastTests = new LinkedHashMap<>();
        traces.keySet().forEach(name -> fastTests.put(TraceToQuint.testName(name), name));
        Map<String, TraceVerdict> fast = TraceVerdict.parseMany(quint.run(testCommand(out.toString(), null)),
                fastTests.keySet());
        Map<String, TraceVerdict> verdicts = new LinkedHashMap<>();
        List<String> failed = new ArrayList<>();
        fast.forEach((test, v) -> {
            String name = fastTests.get(test);
            verdicts.put(name, v);
            if (!(v instanceof TraceVerdict.Accepted)) {
                failed.add(name);
            }
        });
        if (!failed.isEmpty()) {
            Map<String, String> exactTests = new LinkedHashMap<>();
            failed.forEach(name -> exactTests.put(TraceToQuint.exactTestName(name), name));
            // trace names are identifiers: nothing to escape in quint's (JavaScript) regex
            String match = exactTests.keySet().stream().collect(Collectors.joining("|", "^(", ")$"));
            TraceVerdict.parseMany(quint.run(testCommand(out.toString(), match)), exactTests.keySet())
                    .forEach((test, v) -> verdicts.put(exactTests.get(test), v));
        }
        return verdicts;
    }

    private static List<String> testCommand(String module, String match) {
        List<String> args = new ArrayList<>(List.of("test", module, "--backend", "typescript", "--max-samples", "1"));
        if (match != null) {
            args.add("--match");
            args.add(match);
        }
        return args;
    }
}
