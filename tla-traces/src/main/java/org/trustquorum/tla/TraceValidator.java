package org.trustquorum.tla;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Generates the replay module for a trace and runs it through quint. */
public final class TraceValidator {

    private final QuintRunner quint;

    public TraceValidator(QuintRunner quint) {
        this.quint = quint;
    }

    /** Replays an already generated module. */
    public TraceVerdict check(Path module) {
        return TraceVerdict.of(quint.run(List.of(
                "test", module.toAbsolutePath().toString(), "--backend", "typescript", "--max-samples", "1")));
    }

    /**
     * Writes the module for {@code events} to {@code module} (importing the spec from
     * {@code specDir}) and replays it.
     */
    public TraceVerdict check(List<TraceEvent> events, Path module, Path specDir) throws IOException {
        TraceToQuint.write(events, module, specDir, null, true);
        return check(module);
    }

    /**
     * Writes one module holding all {@code traces} (keys are trace names, see
     * {@link TraceToQuint#traceName}) and replays them in a single quint run; the spec is loaded
     * once, which is much faster than one run per trace. Returns the verdict per trace name.
     */
    public Map<String, TraceVerdict> checkAll(Map<String, List<TraceEvent>> traces, Path module, Path specDir)
            throws IOException {
        Map<String, List<TraceEvent>> renumbered = new LinkedHashMap<>();
        int nodes = 1;
        for (Map.Entry<String, List<TraceEvent>> t : traces.entrySet()) {
            if (t.getKey().isEmpty() || !t.getKey().equals(TraceToQuint.traceName(t.getKey()))) {
                throw new IllegalArgumentException("not a trace name: '" + t.getKey() + "'");
            }
            renumbered.put(t.getKey(), TraceToQuint.renumber(t.getValue()));
            nodes = Math.max(nodes, TraceToQuint.maxNodeId(t.getValue()));
        }
        Path out = module.toAbsolutePath().normalize();
        Files.createDirectories(out.getParent());
        Files.writeString(out, TraceToQuint.renderMany(TraceToQuint.moduleName(out.getFileName().toString()),
                TraceToQuint.importPath(out.getParent(), specDir.toAbsolutePath().normalize()), nodes, renumbered),
                StandardCharsets.UTF_8);
        QuintRunner.Result result = quint.run(List.of(
                "test", out.toString(), "--backend", "typescript", "--max-samples", "1"));
        Map<String, String> tests = new LinkedHashMap<>();
        traces.keySet().forEach(name -> tests.put(TraceToQuint.testName(name), name));
        Map<String, TraceVerdict> byTest = TraceVerdict.parseMany(result, tests.keySet());
        Map<String, TraceVerdict> verdicts = new LinkedHashMap<>();
        byTest.forEach((test, v) -> verdicts.put(tests.get(test), v));
        return verdicts;
    }

    /** Same, with the spec of this tla-traces directory. */
    public TraceVerdict check(List<TraceEvent> events, Path module) throws IOException {
        return check(events, module, quint.specDir());
    }
}
