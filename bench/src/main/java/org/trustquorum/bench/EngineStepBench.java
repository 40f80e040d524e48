package org.trustquorum.bench;

import java.util.List;
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
import org.trustquorum.core.Mutation;
import org.trustquorum.core.engine.EngineHost;
import org.trustquorum.core.engine.EngineLimits;
import org.trustquorum.core.engine.Input;
import org.trustquorum.core.engine.NodeEngine;
import org.trustquorum.core.engine.Output;
import org.trustquorum.core.model.PersistentState;
import org.trustquorum.core.msg.WireMsg;
import org.trustquorum.sim.EngineCallRecorder;
import org.trustquorum.sim.FaultProfile;
import org.trustquorum.sim.RunSpec;
import org.trustquorum.sim.Simulation;

/**
 * The engine step as every driver makes it (through an {@link EngineHost}: the step, the
 * per-incarnation checks, the outputs handed over, the next deadline), at 8 and 32 nodes.
 *
 * <ul>
 *   <li>{@code frameStep}: one node with an established connection to every other node receives a
 *       frame on one of them: the commonest step. Its cost should not grow with the peers.
 *   <li>{@code recordedSeed}: every engine call of one simulated seed (swarm faults: boots,
 *       reconfigurations, proxied calls, crashes, timers), recorded from the simulator and
 *       replayed into fresh engines without it; time per seed.
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EngineStepBench {
    /** The recorded seed of {@code recordedSeed}. */
    static final long SEED = 1_000_001L;
    /** Virtual time of the frame steps: constant, so no timer falls due. */
    static final long NOW_MS = 1_000L;

    @Param({"8", "32"})
    int nodes;

    private NodeEngine engine;
    private EngineHost host;
    /** Folds what the host hands over into one number, so none of the work can be optimised away. */
    private final Sink sink = new Sink();
    private int next;
    private Input.FrameReceived[] pings;
    private RunSpec spec;
    private List<EngineCallRecorder.Call> calls;

    @Setup(Level.Trial)
    public void setup() {
        engine = new NodeEngine(Simulation.nodeId(0), Simulation.address(0), PersistentState.EMPTY,
                EngineLimits.DEFAULTS, new SplittableRandom(SEED),
                Simulation.controlPlaneKey(SEED).authority());
        host = new EngineHost(engine, sink);
        pings = new Input.FrameReceived[nodes - 1];
        for (int i = 1; i < nodes; i++) {
            host.step(new Input.Accept(), 0);
            long inc = sink.accepted;
            host.step(new Input.ConnEstablished(inc, Simulation.nodeId(i)), 0);
            pings[i - 1] = new Input.FrameReceived(inc, new WireMsg.Ping());
        }
        if (engine.connections().table().connectedPeers().size() != nodes - 1) {
            throw new IllegalStateException("setup did not connect every peer");
        }
        spec = RunSpec.generate(SEED, nodes, FaultProfile.SWARM, Mutation.NONE);
        EngineCallRecorder rec = new EngineCallRecorder();
        new Simulation(spec).recordEngineCalls(rec).run();
        calls = rec.calls();
    }

    @Benchmark
    public long frameStep() {
        Input.FrameReceived f = pings[next];
        next = next + 1 == pings.length ? 0 : next + 1;
        host.step(f, NOW_MS);
        return sink.sum;
    }

    @Benchmark
    public long recordedSeed() {
        return EngineCallRecorder.replay(spec, calls);
    }

    /** A driver that keeps nothing but a running sum (and the last accepted incarnation, for the set-up). */
    private static final class Sink implements EngineHost.Io {
        long sum;
        long accepted;

        @Override
        public EngineHost.Durability persist(PersistentState state) {
            sum++;
            return EngineHost.Durability.DURABLE;
        }

        @Override
        public void release(Output output) {
            sum++;
            if (output instanceof Output.Accepted a) {
                accepted = a.incarnation();
            }
        }

        @Override
        public void deadline(long atMs) {
            sum += atMs;
        }
    }
}
