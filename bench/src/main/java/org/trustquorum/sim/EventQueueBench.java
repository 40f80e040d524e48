package org.trustquorum.sim;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The simulator's event queue ({@link EventQueue}, package-private: this benchmark lives in the
 * simulator's package) in its steady state: take the earliest event, schedule one new event a
 * random delay later ("hold" model), with as many events pending as a run of 8 or 32 nodes keeps.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EventQueueBench {
    /** Largest delay of a new event (about the simulator's network delays and timers). */
    static final int MAX_DELAY_MS = 1_000;

    @Param({"256", "4096"})
    int pending;

    private EventQueue queue;
    private SplittableRandom rng;
    private long token;

    @Setup(Level.Iteration)
    public void setup() {
        queue = new EventQueue();
        rng = new SplittableRandom(pending);
        for (int i = 0; i < pending; i++) {
            queue.add(new Ev.Timer(rng.nextInt(MAX_DELAY_MS), null, 0, i));
        }
    }

    @Benchmark
    public Ev pollThenAdd() {
        Ev top = queue.poll();
        queue.add(new Ev.Timer(top.at + 1 + rng.nextInt(MAX_DELAY_MS), null, 0, token++));
        return top;
    }
}
