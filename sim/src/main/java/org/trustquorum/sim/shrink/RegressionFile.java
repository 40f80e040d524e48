package org.trustquorum.sim.shrink;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.trustquorum.core.Mutation;
import org.trustquorum.sim.FaultProfile;
import org.trustquorum.sim.RunSpec;
import org.trustquorum.sim.cli.SimMain;
import org.trustquorum.sim.json.Json;

/**
 * A saved run and what it must do: with its mutant it fails {@code expectedCheck}; without the
 * mutant (or, for a saved honest failure, once the bug is fixed) it passes.
 *
 * @param expectedCheck the check the run fails with its mutant; null if the saved run must simply pass
 */
public record RegressionFile(String name, String description, RunSpec spec, String expectedCheck) {

    /** The file for a shrunk run: it must fail the check {@code original} failed, with its mutant. */
    public static RegressionFile shrunk(String name, RunSpec original, Shrinker.Outcome o) {
        String from = SimMain.replayCommand(original.seed(), original.schedule().nodes(), original.profile(),
                original.mutant());
        String check = o.result().check();
        return new RegressionFile(name, "shrunk from " + from + " (" + o.before().events() + " -> "
                + o.after().events() + " events to failure); fails " + check, o.spec(), check);
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("description", description);
        m.put("seed", Long.toUnsignedString(spec.seed()));
        m.put("profile", spec.profile().cliName());
        m.put("mutant", spec.mutant().cliName());
        Map<String, Object> expect = new LinkedHashMap<>();
        expect.put("check", expectedCheck);
        expect.put("withoutMutant", "pass");
        m.put("expect", expect);
        m.put("schedule", ScheduleCodec.toJson(spec.schedule()));
        return m;
    }

    @SuppressWarnings("unchecked")
    public static RegressionFile fromJson(Map<String, Object> m) {
        long seed = SimMain.parseSeed((String) m.get("seed"));
        FaultProfile profile = FaultProfile.fromCliName((String) m.get("profile"));
        Mutation mutant = Mutation.fromCliName((String) m.get("mutant"));
        Map<String, Object> expect = (Map<String, Object>) m.get("expect");
        String check = expect == null ? null : (String) expect.get("check");
        RunSpec spec = new RunSpec(seed, profile, mutant,
                ScheduleCodec.fromJson((Map<String, Object>) m.get("schedule")));
        return new RegressionFile((String) m.get("name"), (String) m.get("description"), spec, check);
    }

    @SuppressWarnings("unchecked")
    public static RegressionFile read(Path file) throws IOException {
        return fromJson((Map<String, Object>) Json.parse(Files.readString(file, StandardCharsets.UTF_8)));
    }

    public void write(Path file) throws IOException {
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        Files.writeString(file, Json.write(toJson()) + "\n", StandardCharsets.UTF_8);
    }
}
