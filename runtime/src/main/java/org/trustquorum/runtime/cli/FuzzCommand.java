package org.trustquorum.runtime.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tq fuzz decoder|admin|node_id --minutes M}: runs one of the Jazzer fuzz tests of
 * {@code runtime/src/test} in fuzzing mode ({@code JAZZER_FUZZ=1}) for M minutes, through the
 * Maven wrapper (the fuzz tests live with the tests, and Jazzer writes what it finds next to their
 * committed inputs, where the regression run of {@code tq test} replays them from then on).
 * Prints libFuzzer's closing figures and the new findings; exit 0 if there were none, 1 if the
 * run found something, 2 if it could not run.
 */
@Command(name = "fuzz", mixinStandardHelpOptions = true,
        description = "Coverage-guided fuzzing (Jazzer) of the frame decoder and wire codec, or of the admin request parser.")
final class FuzzCommand implements Callable<Integer> {
    /** A fuzz target: its test class, its method (the inputs directory is named after both). */
    enum Target {
        DECODER("org.trustquorum.runtime.wire.WireFuzzTest", "decoder"),
        ADMIN("org.trustquorum.runtime.admin.AdminFuzzTest", "admin"),
        NODE_ID("org.trustquorum.runtime.admin.AdminFuzzTest", "nodeId");

        final String testClass;
        final String method;

        Target(String testClass, String method) {
            this.testClass = testClass;
            this.method = method;
        }

        /** Where Jazzer keeps this target's committed inputs (and writes its findings). */
        Path inputs(Path root) {
            int dot = testClass.lastIndexOf('.');
            return root.resolve("runtime/src/test/resources").resolve(testClass.substring(0, dot).replace('.', '/'))
                    .resolve(testClass.substring(dot + 1) + "Inputs").resolve(method);
        }
    }

    /** Longest run accepted. */
    static final int MAX_MINUTES = 24 * 60;
    /** Code Jazzer instruments for coverage: ours and the JSON parser (Kryo is driven through our serializers). */
    static final String INSTRUMENTED = "org.trustquorum.**:com.fasterxml.jackson.**:com.esotericsoftware.kryo.**";

    private static final Pattern DONE = Pattern.compile("#(\\d+)\\s+DONE\\s+cov: (\\d+) ft: (\\d+) corp: (\\d+)/(\\S+).*exec/s: (\\d+)");
    private static final Pattern RUNS = Pattern.compile("Done (\\d+) runs in (\\d+) second");

    @Parameters(index = "0", description = "what to fuzz: ${COMPLETION-CANDIDATES}")
    Target target;

    @Option(names = "--minutes", defaultValue = "5", description = "how long to fuzz (default ${DEFAULT-VALUE})")
    int minutes;

    @Option(names = "--root", description = "the project's root directory (default: found from this program's location)")
    Path root;

    private final PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
        if (minutes < 1 || minutes > MAX_MINUTES) {
            out.println("tq fuzz: --minutes must be in 1.." + MAX_MINUTES);
            return 2;
        }
        Path projectRoot = root != null ? root.toAbsolutePath().normalize() : findRoot();
        if (projectRoot == null) {
            out.println("tq fuzz: cannot find the project (a directory with mvnw and runtime/pom.xml); pass --root");
            return 2;
        }
        Path inputs = target.inputs(projectRoot);
        Set<String> before = listing(inputs);
        Path log = projectRoot.resolve("runtime/target/fuzz-" + target.method + ".log");
        Files.createDirectories(log.getParent());

        List<String> cmd = new ArrayList<>(List.of(projectRoot.resolve("mvnw").toString(), "-B", "-ntp", "-f",
                projectRoot.resolve("pom.xml").toString(), "-pl", "runtime", "-am", "test",
                "-Dtest=" + target.testClass.substring(target.testClass.lastIndexOf('.') + 1),
                "-Dsurefire.failIfNoSpecifiedTests=false", "-Dtq.fuzz.only=true",
                "-Djazzer.max_duration=" + minutes + "m", "-Djazzer.instrumentation_includes=" + INSTRUMENTED));
        out.printf("tq fuzz: %s (%s#%s) for %d min; inputs %s; full log %s%n", target.name().toLowerCase(), target.testClass,
                target.method, minutes, projectRoot.relativize(inputs), projectRoot.relativize(log));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(projectRoot.toFile()).redirectErrorStream(true);
        pb.environment().put("JAZZER_FUZZ", "1");
        long t0 = System.nanoTime();
        Process p = pb.start();
        String doneLine = null;
        String runsLine = null;
        List<String> findings = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                PrintWriter w = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                w.println(line);
                if (DONE.matcher(line).find()) {
                    doneLine = line;
                } else if (RUNS.matcher(line).find()) {
                    runsLine = line;
                } else if (line.contains("FuzzTestFinding") || line.startsWith("== Java Exception") || line.contains("BUILD FAILURE")
                        || line.startsWith("[ERROR] Failed to execute") || line.contains("COMPILATION ERROR")) {
                    findings.add(line);
                }
            }
        }
        int code = p.waitFor();
        double seconds = (System.nanoTime() - t0) / 1e9;

        Set<String> added = new TreeSet<>(listing(inputs));
        added.removeAll(before);
        if (doneLine != null) {
            Matcher m = DONE.matcher(doneLine);
            if (m.find()) {
                out.printf("executions: %s, exec/s: %s, coverage: %s edges, %s features, corpus: %s inputs (%s)%n", m.group(1),
                        m.group(6), m.group(2), m.group(3), m.group(4), m.group(5));
            }
        }
        if (runsLine != null) {
            out.println("libFuzzer: " + runsLine.trim());
        }
        out.printf("wall time: %.0f s; committed inputs now %d%n", seconds, listing(inputs).size());
        if (!added.isEmpty()) {
            out.println("new findings (kept as regression inputs in " + projectRoot.relativize(inputs) + "; commit them):");
            for (String f : added) {
                out.println("  " + f);
            }
            for (String f : findings) {
                out.println("  " + f.trim());
            }
            return 1;
        }
        if (code != 0) {
            out.println("the fuzz run failed without a new input (exit " + code + "):");
            for (String f : findings) {
                out.println("  " + f.trim());
            }
            out.println("see " + log);
            return doneLine == null ? 2 : 1;
        }
        out.println("no findings");
        return 0;
    }

    private static Set<String> listing(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return Set.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return new TreeSet<>(s.map(x -> x.getFileName().toString()).toList());
        }
    }

    /** The project root: from runtime/target/classes (where ./tq runs us from) up, or the working directory up. */
    private static Path findRoot() {
        List<Path> starts = new ArrayList<>();
        try {
            starts.add(Path.of(FuzzCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            // fall back to the working directory
        }
        starts.add(Path.of("").toAbsolutePath());
        for (Path start : starts) {
            for (Path d = start.toAbsolutePath(); d != null; d = d.getParent()) {
                if (Files.isExecutable(d.resolve("mvnw")) && Files.isRegularFile(d.resolve("runtime/pom.xml"))) {
                    return d;
                }
            }
        }
        return null;
    }
}
