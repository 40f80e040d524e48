package org.trustquorum.sim.mutation;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./tq mutate}: runs PIT's command line over core's {@code engine}, {@code protocol} and
 * {@code controlplane} packages once per test set (core's unit tests, the simulator campaign,
 * both), then prints each set's mutation score and what the campaign lets survive. ./tq builds
 * the class path (the profile {@code mutate} of sim's pom fetches PIT) and snapshots the compiled
 * classes, so a rebuild during the run changes nothing.
 */
@Command(name = "tq mutate", mixinStandardHelpOptions = true,
        description = "Mutation scores of core's unit tests, the simulator campaign, and both (PIT).")
final class MutateMain implements Callable<Integer> {
    static final String TARGET_CLASSES =
            "org.trustquorum.core.engine.*,org.trustquorum.core.protocol.*,org.trustquorum.core.controlplane.*";
    /** A mutant whose tests run longer than factor * normal + constant is stopped (and counts as detected). */
    static final String TIMEOUT_FACTOR = "2";
    static final long TIMEOUT_CONSTANT_MS = 10_000;
    static final String EQUIVALENT_FILE = "sim/src/test/resources/mutation/equivalent-mutants.tsv";

    /** The test sets, in the order they run. */
    enum TestSet {
        UNIT("core's unit tests", "org.trustquorum.core.*"),
        CAMPAIGN("simulator campaign", SimulatorCampaign.class.getName()),
        BOTH("both", "org.trustquorum.core.*," + SimulatorCampaign.class.getName());

        final String label;
        final String targetTests;

        TestSet(String label, String targetTests) {
            this.label = label;
            this.targetTests = targetTests;
        }

        String dirName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    @Option(names = "--root", required = true, description = "the project's root directory")
    Path root;

    @Option(names = "--classes", required = true, description = "directory with the snapshot: core/classes, "
            + "core/test-classes, sim/classes, sim/test-classes, and deps.txt (PIT and test dependencies)")
    Path classes;

    @Option(names = "--report-dir", defaultValue = "target/mutation", description = "where reports go (default: ${DEFAULT-VALUE})")
    Path reportDir;

    @Option(names = "--sets", split = ",", defaultValue = "unit,campaign,both",
            description = "which test sets to run (default: ${DEFAULT-VALUE})")
    List<String> sets;

    @Option(names = "--threads", defaultValue = "2", description = "PIT threads (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--java", description = "java executable for PIT (default: this JVM's)")
    String java;

    public static void main(String[] args) {
        System.exit(new CommandLine(new MutateMain()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        Path reports = root.resolve(reportDir);
        Map<TestSet, MutationResults> results = new LinkedHashMap<>();
        for (String s : sets) {
            TestSet set = TestSet.valueOf(s.toUpperCase(Locale.ROOT));
            long start = System.nanoTime();
            Path dir = reports.resolve(set.dirName());
            int exit = runPit(set, dir);
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
            if (exit != 0) {
                System.err.println("tq mutate: PIT failed for " + set.label + " (exit " + exit + "); log: "
                        + dir.resolve("pit.log"));
                return 1;
            }
            MutationResults r = MutationResults.read(dir.resolve("mutations.xml"));
            results.put(set, r);
            System.out.printf(Locale.ROOT, "%-20s %s killed in %d s; report %s%n", set.label + ":",
                    MutationResults.score(r.mutants()), seconds, dir.resolve("index.html"));
        }
        summarize(results, reports, System.out);
        return 0;
    }

    private int runPit(TestSet set, Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path cpFile = dir.resolve("classpath.txt");
        List<String> cp = new ArrayList<>(List.of(classes.resolve("core/classes").toString(),
                classes.resolve("core/test-classes").toString(), classes.resolve("sim/classes").toString(),
                classes.resolve("sim/test-classes").toString()));
        String deps = Files.readString(classes.resolve("deps.txt"), StandardCharsets.UTF_8).strip();
        cp.addAll(List.of(deps.split(File.pathSeparator)));
        Files.write(cpFile, cp, StandardCharsets.UTF_8);
        String javaBin = java != null ? java : Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = List.of(javaBin, "-cp", deps, "org.pitest.mutationtest.commandline.MutationCoverageReport",
                "--reportDir", dir.toString(),
                "--sourceDirs", root.resolve("core/src/main/java").toString(),
                "--targetClasses", TARGET_CLASSES,
                "--targetTests", set.targetTests,
                "--classPathFile", cpFile.toString(),
                "--mutableCodePaths", classes.resolve("core/classes").toString(),
                "--threads", Integer.toString(threads),
                "--timeoutFactor", TIMEOUT_FACTOR,
                "--timeoutConst", Long.toString(TIMEOUT_CONSTANT_MS),
                "--outputFormats", "HTML,XML",
                "--timestampedReports=false",
                "--jvmArgs=-Xss8m");
        System.out.println("tq mutate: " + set.label + " (PIT log: " + dir.resolve("pit.log") + ")");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("pit.log").toFile())
                .start();
        return p.waitFor();
    }

    /** Prints the scores over non-equivalent mutants and writes the campaign's survivors. */
    void summarize(Map<TestSet, MutationResults> results, Path reports, PrintStream out) throws IOException {
        Set<String> equivalent = MutationResults.readEquivalent(root.resolve(EQUIVALENT_FILE));
        out.println();
        out.println("excluding the " + equivalent.size() + " mutants listed as equivalent in " + EQUIVALENT_FILE + ":");
        for (Map.Entry<TestSet, MutationResults> e : results.entrySet()) {
            out.printf(Locale.ROOT, "  %-20s %s%n", e.getKey().label + ":",
                    MutationResults.score(e.getValue().nonEquivalent(equivalent)));
        }
        MutationResults campaign = results.get(TestSet.CAMPAIGN);
        if (campaign != null) {
            List<String> lines = new ArrayList<>();
            lines.add("# class\tmethod\tline\tmutator\tindex\tstatus\tdescription");
            for (MutationResults.Mutant m : campaign.survivors()) {
                if (!equivalent.contains(m.key())) {
                    lines.add(m.key() + "\t" + m.status() + "\t" + m.description());
                }
            }
            Path file = reports.resolve("campaign-survivors.tsv");
            Files.write(file, lines, StandardCharsets.UTF_8);
            out.println("mutants the campaign lets survive (not listed as equivalent): " + (lines.size() - 1) + ", in "
                    + file);
        }
    }
}
