package org.trustquorum.sim.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code ./tq bench sim}: placeholder, filled in below. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmark the simulator.")
final class BenchCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return 0;
    }
}
