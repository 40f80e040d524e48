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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.trustquorum.core.engine.EngineLimits;
import org.trustquorum.core.engine.NodeEngine;
import org.trustquorum.core.engine.Step;
import org.trustquorum.sim.EngineCallRecorder;
import org.trustquorum.sim.RunResult;
import org.trustquorum.sim.RunSpec;
import org.trustquorum.sim.Simulation;
import org.trustquorum.sim.Streams;
import org.trustquorum.sim.json.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./tq bench sim}: the simulator's speed on the default scenario, and the same engines' raw
 * step rate without the simulator (the recorded engine calls of the same seeds fed straight to
 * fresh engines), so the simulator's overhead is a ratio. Times are the benchmark thread's CPU
 * time (robust on a shared machine); wall time is reported too. Reading the clock here does not
 * influence any run.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmark the simulator against the raw engines it drives.")
final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    SimMain.RunOptions run = new SimMain.RunOptions();

    @Option(names = "--seeds", defaultValue = "100", paramLabel = "N", description = "Measured seeds (default: ${DEFAULT-VALUE}).")
    int seeds;

    @Option(names = "--warmup", defaultValue = "40", paramLabel = "N", description = "Warm-up seeds (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--first-seed", defaultValue = "1000001", paramLabel = "S", converter = SimMain.SeedConverter.class,
            description = "First measured seed (default: ${DEFAULT-VALUE}).")
    long firstSeed;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the figures as JSON.")
    Path json;

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private long sink;

    @Override
    public Integer call() {
        run.validate(spec);
        PrintWriter out = spec.commandLine().getOut();
        out.println("bench sim: " + SimMain.describeOptions(run.nodes, run.faults, run.mutant) + ", " + warmup
                + " warm-up + " + seeds + " measured seeds");
        out.flush();
        // Warm up both paths.
        for (int i = 0; i < warmup; i++) {
            RunSpec s = RunSpec.generate(firstSeed - warmup + i, run.nodes, run.faults, run.mutant);
            EngineCallRecorder rec = new EngineCallRecorder();
            new Simulation(s).recordEngineCalls(rec).run();
            sink += EngineCallRecorder.replay(s, rec.calls());
            new Simulation(s).run();
        }
        long simCpu = 0;
        long simWall = 0;
        long rawCpu = 0;
        long events = 0;
        long engineCalls = 0;
        for (int i = 0; i < seeds; i++) {
            RunSpec s = RunSpec.generate(firstSeed + i, run.nodes, run.faults, run.mutant);
            long w0 = System.nanoTime();
            long c0 = cpu();
            RunResult r = new Simulation(s).run();
            simCpu += cpu() - c0;
            simWall += System.nanoTime() - w0;
            events += r.events();
            EngineCallRecorder rec = new EngineCallRecorder();
            new Simulation(s).recordEngineCalls(rec).run();
            engineCalls += rec.calls().size();
            long c1 = cpu();
            sink += EngineCallRecorder.replay(s, rec.calls());
            rawCpu += cpu() - c1;
        }
        double simSec = simCpu / 1e9;
        double rawSec = rawCpu / 1e9;
        long simRate = Math.round(events / simSec);
        double seedsPerSec = seeds / simSec;
        long rawRate = Math.round(engineCalls / rawSec);
        double ratio = simSec / rawSec;

        // The whole campaign on every core (wall time).
        int cores = Campaign.defaultThreads();
        long p0 = System.nanoTime();
        long[] pe = {0};
        Campaign.stream(new Campaign.Options(seeds, firstSeed, run.nodes, run.faults, run.mutant, null, cores),
                r -> pe[0] += r.events());
        double parWall = (System.nanoTime() - p0) / 1e9;
        long parRate = Math.round(pe[0] / parWall);

        out.printf("simulator:  %,d events in %.2f s CPU (%.2f s wall): %,d events/s per core, %.1f seeds/s per core%n",
                events, simSec, simWall / 1e9, simRate, seedsPerSec);
        out.printf("raw engine: %,d engine calls (steps, accepts, boots) of the same seeds in %.2f s CPU: %,d calls/s%n",
                engineCalls, rawSec, rawRate);
        out.printf("overhead:   %.2fx (simulator CPU time / raw engine CPU time for the same engine calls)%n", ratio);
        out.printf("campaign:   %,d events on %d threads in %.2f s wall: %,d events/s, %.1f seeds/s%n", pe[0], cores,
                parWall, parRate, seeds / parWall);
        out.flush();
        if (json != null) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("date", LocalDate.now(ZoneOffset.UTC).toString());
            m.put("cores", (long) cores);
            m.put("java", System.getProperty("java.version"));
            m.put("options", SimMain.describeOptions(run.nodes, run.faults, run.mutant));
            m.put("seeds", (long) seeds);
            m.put("events", events);
            m.put("simCpuSeconds", round(simSec));
            m.put("simEventsPerSecondPerCore", simRate);
            m.put("seedsPerSecondPerCore", round(seedsPerSec));
            m.put("engineCalls", engineCalls);
            m.put("rawEngineCpuSeconds", round(rawSec));
            m.put("rawEngineCallsPerSecond", rawRate);
            m.put("overheadRatio", round(ratio));
            m.put("campaignThreads", (long) cores);
            m.put("campaignEventsPerSecond", parRate);
            m.put("campaignSeedsPerSecond", round(seeds / parWall));
            try {
                Files.writeString(json, Json.write(m) + "\n", StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (sink == 42) {
            out.println();
        }
        return SimMain.EXIT_OK;
    }

    private long cpu() {
        return threads.isCurrentThreadCpuTimeSupported() ? threads.getCurrentThreadCpuTime() : System.nanoTime();
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
