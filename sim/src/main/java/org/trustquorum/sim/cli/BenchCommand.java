package org.trustquorum.sim.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.trustquorum.core.Mutation;
import org.trustquorum.sim.EngineCallRecorder;
import org.trustquorum.sim.FaultProfile;
import org.trustquorum.sim.RunResult;
import org.trustquorum.sim.RunSpec;
import org.trustquorum.sim.Simulation;
import org.trustquorum.sim.json.Json;
import org.trustquorum.sim.scenario.Schedule;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ./tq bench sim}: the simulator's speed at each rack size, and the same engines' raw step
 * rate without the simulator (the recorded engine calls of the same seeds fed straight to fresh
 * engines), so the simulator's overhead is a ratio. Times are the benchmark thread's CPU time
 * (robust on a shared machine). Every size is measured in each of several rounds, so the ratios
 * (overhead, per-core rate of one size against another) come from the same run; medians and the
 * spread over the rounds are printed. Then the cost of one reconfiguration against N
 * ({@link CostGrowth}). Reading the clock here does not influence any run.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmark the simulator against the raw engines it drives, and the cost growth with N.")
final class BenchCommand implements Callable<Integer> {
    /** Per-core rates are compared against this size when it is measured. */
    static final int REFERENCE_NODES = 8;
    /** Fewest measured seeds of one size in a round. */
    static final int MIN_SEEDS = 10;

    @Spec
    CommandSpec spec;

    @Option(names = "--nodes", defaultValue = "8,32", split = ",", paramLabel = "N[,N...]",
            description = "Rack sizes (default: ${DEFAULT-VALUE}); sizes over 32 only get a 'skipped' line.")
    List<Integer> nodes;

    @Option(names = "--faults", defaultValue = "swarm", paramLabel = "PROFILE", converter = SimMain.ProfileConverter.class,
            description = "Fault profile of the timed runs (default: ${DEFAULT-VALUE}).")
    FaultProfile faults;

    @Option(names = "--mutant", defaultValue = "none", paramLabel = "NAME", converter = SimMain.MutantConverter.class,
            description = "Mutant of the timed runs (default: ${DEFAULT-VALUE}).")
    Mutation mutant;

    @Option(names = "--seeds", defaultValue = "100", paramLabel = "N",
            description = "Measured seeds per round at 8 nodes; larger racks run proportionally fewer, at least "
                    + MIN_SEEDS + " (default: ${DEFAULT-VALUE}).")
    int seeds;

    @Option(names = "--rounds", defaultValue = "5", paramLabel = "R",
            description = "Timed rounds (default: ${DEFAULT-VALUE}); 0 for the cost growth only.")
    int rounds;

    @Option(names = "--warmup", defaultValue = "20", paramLabel = "N", description = "Warm-up seeds per size (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--first-seed", defaultValue = "1000001", paramLabel = "S", converter = SimMain.SeedConverter.class,
            description = "First measured seed (default: ${DEFAULT-VALUE}).")
    long firstSeed;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the figures as JSON.")
    Path json;

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private long sink;

    /** One size's figures in one round. */
    private record Round(long events, double simSeconds, long calls, double rawSeconds) {
        double eventsPerSecond() {
            return events / simSeconds;
        }

        double overhead() {
            return simSeconds / rawSeconds;
        }
    }

    @Override
    public Integer call() {
        if (seeds < 1 || rounds < 0 || warmup < 0 || nodes.stream().anyMatch(n -> n < Schedule.MIN_NODES)) {
            throw new ParameterException(spec.commandLine(), "need --seeds >= 1, --rounds >= 0, --warmup >= 0 and "
                    + "every --nodes value >= " + Schedule.MIN_NODES);
        }
        PrintWriter out = spec.commandLine().getOut();
        List<Integer> timed = nodes.stream().filter(n -> n <= Schedule.MAX_NODES).toList();
        Map<Integer, List<Round>> results = new LinkedHashMap<>();
        if (rounds > 0) {
            out.println("bench sim: faults " + faults.cliName() + ", mutant " + mutant.cliName() + ", " + rounds
                    + " rounds; seeds per round: " + describeSeeds(timed));
            out.flush();
            for (int n : timed) {
                for (int i = 0; i < warmup; i++) {
                    measure(RunSpec.generate(firstSeed - warmup + i, n, faults, mutant));
                }
                results.put(n, new ArrayList<>());
            }
            for (int r = 0; r < rounds; r++) {
                StringBuilder line = new StringBuilder("round " + (r + 1) + ":");
                for (int n : timed) {
                    Round x = round(n);
                    results.get(n).add(x);
                    line.append(String.format("  %d nodes %,.0f events/s, overhead %.2fx;", n, x.eventsPerSecond(),
                            x.overhead()));
                }
                out.println(line);
                out.flush();
            }
            printSummary(out, results);
        }
        CostGrowth.print(nodes, out);
        out.flush();
        if (json != null) {
            writeJson(results);
        }
        if (sink == 42) {
            out.println();
        }
        return SimMain.EXIT_OK;
    }

    private int seedsFor(int n) {
        return Math.max(MIN_SEEDS, (int) Math.min(seeds, (long) seeds * REFERENCE_NODES / n));
    }

    private String describeSeeds(List<Integer> sizes) {
        StringBuilder sb = new StringBuilder();
        for (int n : sizes) {
            sb.append(sb.isEmpty() ? "" : ", ").append(seedsFor(n)).append(" at ").append(n).append(" nodes");
        }
        return sb.toString();
    }

    /** One size, one round: the simulator's CPU time, then the raw engines' for the same calls. */
    private Round round(int n) {
        long events = 0;
        long calls = 0;
        long simCpu = 0;
        long rawCpu = 0;
        for (int i = 0; i < seedsFor(n); i++) {
            long[] m = measure(RunSpec.generate(firstSeed + i, n, faults, mutant));
            events += m[0];
            simCpu += m[1];
            calls += m[2];
            rawCpu += m[3];
        }
        return new Round(events, simCpu / 1e9, calls, rawCpu / 1e9);
    }

    /** Events, simulator CPU ns, engine calls, raw engine CPU ns of one seed. */
    private long[] measure(RunSpec s) {
        long c0 = cpu();
        RunResult r = new Simulation(s).run();
        long simCpu = cpu() - c0;
        EngineCallRecorder rec = new EngineCallRecorder();
        new Simulation(s).recordEngineCalls(rec).run();
        long c1 = cpu();
        sink += EngineCallRecorder.replay(s, rec.calls());
        long rawCpu = cpu() - c1;
        return new long[] {r.events(), simCpu, rec.calls().size(), rawCpu};
    }

    private void printSummary(PrintWriter out, Map<Integer, List<Round>> results) {
        Integer ref = results.containsKey(REFERENCE_NODES) ? Integer.valueOf(REFERENCE_NODES)
                : results.keySet().iterator().next();
        out.println("medians over " + rounds + " rounds [min .. max]:");
        for (Map.Entry<Integer, List<Round>> e : results.entrySet()) {
            List<Round> rs = e.getValue();
            double[] rate = rs.stream().mapToDouble(Round::eventsPerSecond).toArray();
            double[] over = rs.stream().mapToDouble(Round::overhead).toArray();
            double[] raw = rs.stream().mapToDouble(x -> x.calls() / x.rawSeconds()).toArray();
            out.printf("  %2d nodes: %,.0f simulated events/s per core [%,.0f .. %,.0f]; raw engine %,.0f calls/s;"
                    + " overhead %.2fx [%.2f .. %.2f]%n", e.getKey(), median(rate), min(rate), max(rate), median(raw),
                    median(over), min(over), max(over));
            if (!e.getKey().equals(ref)) {
                double[] ratio = ratios(rs, results.get(ref));
                out.printf("  %2d / %d nodes per-core events/s: %.2f [%.2f .. %.2f]%n", e.getKey(), ref, median(ratio),
                        min(ratio), max(ratio));
            }
        }
    }

    /** Per round: events/s of {@code a} over events/s of {@code b}, measured in the same round. */
    private static double[] ratios(List<Round> a, List<Round> b) {
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).eventsPerSecond() / b.get(i).eventsPerSecond();
        }
        return out;
    }

    private void writeJson(Map<Integer, List<Round>> results) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("date", LocalDate.now(ZoneOffset.UTC).toString());
        m.put("cores", (long) Runtime.getRuntime().availableProcessors());
        m.put("java", System.getProperty("java.version"));
        m.put("faults", faults.cliName());
        m.put("mutant", mutant.cliName());
        m.put("rounds", (long) rounds);
        Map<String, Object> sizes = new LinkedHashMap<>();
        for (Map.Entry<Integer, List<Round>> e : results.entrySet()) {
            Map<String, Object> s = new LinkedHashMap<>();
            List<Object> rs = new ArrayList<>();
            for (Round r : e.getValue()) {
                Map<String, Object> x = new LinkedHashMap<>();
                x.put("events", r.events());
                x.put("simCpuSeconds", round3(r.simSeconds()));
                x.put("engineCalls", r.calls());
                x.put("rawEngineCpuSeconds", round3(r.rawSeconds()));
                x.put("eventsPerSecondPerCore", Math.round(r.eventsPerSecond()));
                x.put("overheadRatio", round3(r.overhead()));
                rs.add(x);
            }
            s.put("seedsPerRound", (long) seedsFor(e.getKey()));
            s.put("rounds", rs);
            sizes.put(Integer.toString(e.getKey()), s);
        }
        m.put("nodes", sizes);
        List<Object> costs = new ArrayList<>();
        for (int n : nodes) {
            if (n <= Schedule.MAX_NODES) {
                CostGrowth.Cost c = CostGrowth.measure(n);
                costs.add(Map.of("nodes", (long) n, "messagesPerReconfiguration", c.messages(),
                        "engineStepsPerReconfiguration", c.steps()));
            }
        }
        m.put("costGrowth", costs);
        try {
            Files.writeString(json, Json.write(m) + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private long cpu() {
        return threads.isCurrentThreadCpuTimeSupported() ? threads.getCurrentThreadCpuTime() : System.nanoTime();
    }

    private static double round3(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    private static double min(double[] v) {
        return Arrays.stream(v).min().orElse(Double.NaN);
    }

    private static double max(double[] v) {
        return Arrays.stream(v).max().orElse(Double.NaN);
    }
}
