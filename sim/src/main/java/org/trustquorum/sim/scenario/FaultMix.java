package org.trustquorum.sim.scenario;

import java.util.SplittableRandom;
import org.trustquorum.core.engine.EngineLimits;
import org.trustquorum.sim.FaultProfile;

/**
 * Everything a seed draws about how a run behaves, apart from the schedule entries themselves:
 * network timing, engine bounds, and the rates the schedule was generated with. Stored in the
 * schedule (and in regression files) so a saved run does not depend on how these are drawn.
 *
 * <p>Rates are per minute of virtual time in the safety phase. Delays are in virtual milliseconds.
 *
 * @param safetyMs                  length of the safety phase (faults allowed)
 * @param netDelayMaxMs             a frame takes 1..this to cross the network (FIFO per direction)
 * @param handshakeDelayMaxMs       accept to handshake completion
 * @param slowHandshakePercent      chance that a handshake takes SLOW_HANDSHAKE_MIN_MS..MAX_MS instead
 * @param establishSlowPercent      chance that one end learns of an established connection late
 * @param establishSlowMaxMs        how late at most
 * @param exitDelayMaxMs            an end learns its connection ended 0..this after the cause
 * @param slowExitPercent           chance that an end learns of an abort late (dead peer detection)
 * @param slowExitMaxMs             how late at most
 * @param dialFailDelayMaxMs        a dial into a partition or a dead node fails after 1..this
 * @param cpLatencyMaxMs            control plane to node agent and back, each way 1..this
 * @param cpUnreachableDelayMs      the control plane learns that a call failed after this long
 * @param cpLossPercent             chance that a control-plane call or its answer is lost on the management network
 * @param queueCapacityFrames       engine bound: frames queued per connection
 * @param maxInFlightProxyRequests  engine bound: proxied requests tracked at once
 * @param reconfigPerMin            control-plane reconfigurations
 * @param abortReconfigPerMin       control-plane aborts of the current attempt
 * @param loadPerMin                LoadRackSecret calls at random nodes
 * @param proxyStatusPerMin         proxied Status calls between random nodes
 * @param netConfigPerMin           network-config updates at random nodes
 * @param commitPerMin              operator Commit calls (of the latest committed epoch) at random nodes
 * @param crashPerMin               node crashes
 * @param midStepCrashPercent       of crashes, those that hit right after a persist (before outputs)
 * @param tornPercent               of those, the persist itself is torn (falls back to the older copy)
 * @param gracefulPercent           of the other crashes, a graceful shutdown first
 * @param downMaxMs                 a crashed node restarts after DOWN_MIN_MS..this
 * @param coordinatorCrashPercent   chance that a reconfiguration's coordinator crashes during it
 * @param coordinatorTargetPercent  chance that a node fault targets the current coordinator
 * @param cpCrashPerMin             control-plane crashes
 * @param partitionPerMin           symmetric partitions between two nodes
 * @param oneWayPerMin              one-way partitions between two nodes
 * @param isolatePerMin             one node partitioned from all others
 * @param partitionMaxMs            partitions last PARTITION_MIN_MS..this
 * @param abortPerMin               connection aborts
 * @param handlerExceptionPerMin    connection handler exceptions
 * @param stallPerMin               stalled connection directions (frames not flushed)
 * @param freezePerMin              frozen nodes: none of a node's frames are flushed for a while
 * @param stallMaxMs                stalls and freezes last STALL_MIN_MS..this
 */
public record FaultMix(
        long safetyMs,
        int netDelayMaxMs,
        int handshakeDelayMaxMs,
        int slowHandshakePercent,
        int establishSlowPercent,
        int establishSlowMaxMs,
        int exitDelayMaxMs,
        int slowExitPercent,
        int slowExitMaxMs,
        int dialFailDelayMaxMs,
        int cpLatencyMaxMs,
        int cpUnreachableDelayMs,
        int cpLossPercent,
        int queueCapacityFrames,
        int maxInFlightProxyRequests,
        double reconfigPerMin,
        double abortReconfigPerMin,
        double loadPerMin,
        double proxyStatusPerMin,
        double netConfigPerMin,
        double commitPerMin,
        double crashPerMin,
        int midStepCrashPercent,
        int tornPercent,
        int gracefulPercent,
        long downMaxMs,
        int coordinatorCrashPercent,
        int coordinatorTargetPercent,
        double cpCrashPerMin,
        double partitionPerMin,
        double oneWayPerMin,
        double isolatePerMin,
        long partitionMaxMs,
        double abortPerMin,
        double handlerExceptionPerMin,
        double stallPerMin,
        double freezePerMin,
        long stallMaxMs) {

    public static final long SLOW_HANDSHAKE_MIN_MS = 9_000;
    public static final long SLOW_HANDSHAKE_MAX_MS = 10_500;
    public static final long DOWN_MIN_MS = 100;
    public static final long PARTITION_MIN_MS = 200;
    public static final long STALL_MIN_MS = 500;

    /** Draws the mix of a profile. */
    public static FaultMix draw(FaultProfile profile, SplittableRandom r) {
        Builder b = new Builder();
        switch (profile) {
            case NONE -> {
                b.safetyMs = between(r, 30_000, 60_000);
                b.network(r, 30, 20, 20, 500, 10);
                b.scenario(r, rate(r, 2, 5), rate(r, 3, 8), rate(r, 4, 12), rate(r, 1, 3), rate(r, 0.5, 2));
            }
            case LIGHT, HOSTILE -> {
                b.safetyMs = between(r, 40_000, 80_000);
                b.network(r, 40, 30, 20, 1_000, 10);
                b.slowHandshakePercent = 1;
                b.establishSlowPercent = 5;
                b.establishSlowMaxMs = 800;
                b.slowExitPercent = 10;
                b.slowExitMaxMs = 3_000;
                b.queueCapacityFrames = pick(r, 16, 32, 64);
                b.cpLossPercent = 2;
                b.maxInFlightProxyRequests = pick(r, 64, 1_024);
                b.scenario(r, rate(r, 2, 5), rate(r, 3, 8), rate(r, 4, 12), rate(r, 1, 3), rate(r, 0.5, 2));
                b.abortReconfigPerMin = 0.3;
                b.crashes(0.6, 30, 30, 20, 8_000, 20, 20);
                b.cpCrashPerMin = 0.2;
                b.partitions(0.5, 0.3, 0.2, 6_000);
                b.abortPerMin = 1.0;
                b.handlerExceptionPerMin = 0.5;
                b.stallPerMin = 0.5;
                b.freezePerMin = 0.2;
                b.stallMaxMs = 12_000;
            }
            case HEAVY -> {
                b.safetyMs = between(r, 60_000, 120_000);
                b.network(r, 80, 40, 30, 1_500, 20);
                b.slowHandshakePercent = 5;
                b.establishSlowPercent = 15;
                b.establishSlowMaxMs = 1_000;
                b.slowExitPercent = 30;
                b.slowExitMaxMs = 3_000;
                b.queueCapacityFrames = pick(r, 4, 8, 16, 64);
                b.maxInFlightProxyRequests = pick(r, 2, 8, 1_024);
                b.cpLossPercent = 10;
                b.scenario(r, rate(r, 3, 8), rate(r, 6, 12), rate(r, 8, 20), rate(r, 2, 5), rate(r, 1, 3));
                b.abortReconfigPerMin = 0.8;
                b.crashes(3.0, 40, 40, 25, 15_000, 40, 30);
                b.cpCrashPerMin = 1.0;
                b.partitions(3.0, 2.0, 1.0, 12_000);
                b.abortPerMin = 6.0;
                b.handlerExceptionPerMin = 3.0;
                b.stallPerMin = 3.0;
                b.freezePerMin = 1.0;
                b.stallMaxMs = 20_000;
            }
            case SWARM -> {
                b.safetyMs = between(r, 20_000, 110_000);
                b.network(r, 100, 50, 40, 2_000, 30);
                b.cpUnreachableDelayMs = between(r, 200, 3_000);
                b.slowHandshakePercent = on(r) ? between(r, 1, 15) : 0;
                b.establishSlowPercent = on(r) ? between(r, 5, 40) : 0;
                b.establishSlowMaxMs = between(r, 1, 1_200);
                b.slowExitPercent = on(r) ? between(r, 5, 60) : 0;
                b.slowExitMaxMs = between(r, 500, 4_000);
                b.queueCapacityFrames = pick(r, 4, 8, 16, 64);
                b.maxInFlightProxyRequests = pick(r, 1, 2, 8, 64, 1_024);
                b.cpLossPercent = on(r) ? between(r, 0, 20) : 0;
                b.scenario(r, rate(r, 1, 20), rate(r, 1, 15), rate(r, 1, 30), on(r) ? rate(r, 0, 6) : 0,
                        on(r) ? rate(r, 0, 4) : 0);
                b.abortReconfigPerMin = on(r) ? rate(r, 0, 2) : 0;
                b.crashes(on(r) ? rate(r, 0, 6) : 0, between(r, 0, 80), between(r, 0, 80), between(r, 0, 50),
                        between(r, 1_000, 30_000), on(r) ? between(r, 0, 60) : 0, on(r) ? between(r, 0, 60) : 0);
                b.cpCrashPerMin = on(r) ? rate(r, 0, 2) : 0;
                b.partitions(on(r) ? rate(r, 0, 5) : 0, on(r) ? rate(r, 0, 4) : 0, on(r) ? rate(r, 0, 2) : 0,
                        between(r, 1_000, 20_000));
                b.abortPerMin = on(r) ? rate(r, 0, 12) : 0;
                b.handlerExceptionPerMin = on(r) ? rate(r, 0, 6) : 0;
                b.stallPerMin = on(r) ? rate(r, 0, 6) : 0;
                b.freezePerMin = on(r) ? rate(r, 0, 3) : 0;
                b.stallMaxMs = between(r, 1_000, 30_000);
            }
        }
        return b.build();
    }

    /** A mix without faults and with short delays, for scripted schedules (tests, examples). */
    public static Builder quiet(long safetyMs) {
        Builder b = new Builder();
        b.safetyMs = safetyMs;
        b.netDelayMaxMs = 5;
        b.handshakeDelayMaxMs = 5;
        b.exitDelayMaxMs = 5;
        b.dialFailDelayMaxMs = 100;
        b.cpLatencyMaxMs = 3;
        return b;
    }

    /**
     * Mutable staging for {@link #draw} and for scripted schedules; every field defaults to "off"
     * (no fault, minimal delays, production engine bounds).
     */
    public static final class Builder {
        public long safetyMs = 0;
        public int netDelayMaxMs = 1;
        public int handshakeDelayMaxMs = 1;
        public int slowHandshakePercent = 0;
        public int establishSlowPercent = 0;
        public int establishSlowMaxMs = 1;
        public int exitDelayMaxMs = 1;
        public int slowExitPercent = 0;
        public int slowExitMaxMs = 1;
        public int dialFailDelayMaxMs = 1;
        public int cpLatencyMaxMs = 1;
        public int cpUnreachableDelayMs = 1_000;
        public int cpLossPercent = 0;
        public int queueCapacityFrames = EngineLimits.OUTBOUND_QUEUE_CAPACITY_FRAMES;
        public int maxInFlightProxyRequests = EngineLimits.MAX_IN_FLIGHT_PROXY_REQUESTS;
        public double reconfigPerMin = 0;
        public double abortReconfigPerMin = 0;
        public double loadPerMin = 0;
        public double proxyStatusPerMin = 0;
        public double netConfigPerMin = 0;
        public double commitPerMin = 0;
        public double crashPerMin = 0;
        public int midStepCrashPercent = 0;
        public int tornPercent = 0;
        public int gracefulPercent = 0;
        public long downMaxMs = 1_000;
        public int coordinatorCrashPercent = 0;
        public int coordinatorTargetPercent = 0;
        public double cpCrashPerMin = 0;
        public double partitionPerMin = 0;
        public double oneWayPerMin = 0;
        public double isolatePerMin = 0;
        public long partitionMaxMs = 1_000;
        public double abortPerMin = 0;
        public double handlerExceptionPerMin = 0;
        public double stallPerMin = 0;
        public double freezePerMin = 0;
        public long stallMaxMs = 1_000;

        void network(SplittableRandom r, int netMax, int handshakeMax, int exitMax, int dialFailMax, int cpMax) {
            netDelayMaxMs = between(r, 2, netMax);
            handshakeDelayMaxMs = between(r, 1, handshakeMax);
            exitDelayMaxMs = between(r, 1, exitMax);
            dialFailDelayMaxMs = between(r, 1, dialFailMax);
            cpLatencyMaxMs = between(r, 1, cpMax);
        }

        void scenario(SplittableRandom r, double reconfig, double load, double proxyStatus, double netConfig,
                double commit) {
            reconfigPerMin = reconfig;
            loadPerMin = load;
            proxyStatusPerMin = proxyStatus;
            netConfigPerMin = netConfig;
            commitPerMin = commit;
        }

        void crashes(double perMin, int midStep, int torn, int graceful, long downMax, int coordinatorCrash,
                int coordinatorTarget) {
            crashPerMin = perMin;
            midStepCrashPercent = midStep;
            tornPercent = torn;
            gracefulPercent = graceful;
            downMaxMs = downMax;
            coordinatorCrashPercent = coordinatorCrash;
            coordinatorTargetPercent = coordinatorTarget;
        }

        void partitions(double symmetric, double oneWay, double isolate, long maxMs) {
            partitionPerMin = symmetric;
            oneWayPerMin = oneWay;
            isolatePerMin = isolate;
            partitionMaxMs = maxMs;
        }

        public FaultMix build() {
            return new FaultMix(safetyMs, netDelayMaxMs, handshakeDelayMaxMs, slowHandshakePercent, establishSlowPercent, establishSlowMaxMs, exitDelayMaxMs, slowExitPercent, slowExitMaxMs, dialFailDelayMaxMs, cpLatencyMaxMs, cpUnreachableDelayMs, cpLossPercent, queueCapacityFrames, maxInFlightProxyRequests, reconfigPerMin, abortReconfigPerMin, loadPerMin, proxyStatusPerMin, netConfigPerMin, commitPerMin, crashPerMin, midStepCrashPercent, tornPercent, gracefulPercent, downMaxMs, coordinatorCrashPercent, coordinatorTargetPercent, cpCrashPerMin, partitionPerMin, oneWayPerMin, isolatePerMin, partitionMaxMs, abortPerMin, handlerExceptionPerMin, stallPerMin, freezePerMin, stallMaxMs);
        }
    }

    /** Whether this mix injects any fault at all (the scenario always runs). */
    public boolean hasFaults() {
        return crashPerMin + cpCrashPerMin + partitionPerMin + oneWayPerMin + isolatePerMin + abortPerMin
                + handlerExceptionPerMin + stallPerMin + freezePerMin + abortReconfigPerMin > 0
                || coordinatorCrashPercent > 0 || cpLossPercent > 0;
    }

    /** The engine bounds the simulated nodes run with. */
    public EngineLimits engineLimits() {
        return EngineLimits.DEFAULTS.withOutboundQueueCapacityFrames(queueCapacityFrames)
                .withMaxInFlightProxyRequests(maxInFlightProxyRequests);
    }

    /** The same mix with a shorter safety phase (used by shrinking). */
    public FaultMix withSafetyMs(long ms) {
        return new FaultMix(ms, netDelayMaxMs, handshakeDelayMaxMs, slowHandshakePercent, establishSlowPercent, establishSlowMaxMs, exitDelayMaxMs, slowExitPercent, slowExitMaxMs, dialFailDelayMaxMs, cpLatencyMaxMs, cpUnreachableDelayMs, cpLossPercent, queueCapacityFrames, maxInFlightProxyRequests, reconfigPerMin, abortReconfigPerMin, loadPerMin, proxyStatusPerMin, netConfigPerMin, commitPerMin, crashPerMin, midStepCrashPercent, tornPercent, gracefulPercent, downMaxMs, coordinatorCrashPercent, coordinatorTargetPercent, cpCrashPerMin, partitionPerMin, oneWayPerMin, isolatePerMin, partitionMaxMs, abortPerMin, handlerExceptionPerMin, stallPerMin, freezePerMin, stallMaxMs);
    }

    private static boolean on(SplittableRandom r) {
        return r.nextBoolean();
    }

    private static int between(SplittableRandom r, int lo, int hi) {
        return lo + r.nextInt(hi - lo + 1);
    }

    private static long between(SplittableRandom r, long lo, long hi) {
        return lo + r.nextLong(hi - lo + 1);
    }

    private static int pick(SplittableRandom r, int... options) {
        return options[r.nextInt(options.length)];
    }

    /** A rate rounded to a tenth, so it prints and round-trips exactly. */
    private static double rate(SplittableRandom r, double lo, double hi) {
        return Math.round((lo + r.nextDouble() * (hi - lo)) * 10.0) / 10.0;
    }
}
