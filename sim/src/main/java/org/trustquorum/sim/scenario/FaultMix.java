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
 * @param cpCrashPerMin             control-plane crashes
 * @param partitionPerMin           symmetric partitions between two nodes
 * @param oneWayPerMin              one-way partitions between two nodes
 * @param isolatePerMin             one node partitioned from all others
 * @param partitionMaxMs            partitions last PARTITION_MIN_MS..this
 * @param abortPerMin               connection aborts
 * @param handlerExceptionPerMin    connection handler exceptions
 * @param stallPerMin               stalled connection directions (frames not flushed)
 * @param stallMaxMs                stalls last STALL_MIN_MS..this
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
        double cpCrashPerMin,
        double partitionPerMin,
        double oneWayPerMin,
        double isolatePerMin,
        long partitionMaxMs,
        double abortPerMin,
        double handlerExceptionPerMin,
        double stallPerMin,
        long stallMaxMs) {

    public static final long SLOW_HANDSHAKE_MIN_MS = 9_000;
    public static final long SLOW_HANDSHAKE_MAX_MS = 10_500;
    public static final long DOWN_MIN_MS = 100;
    public static final long PARTITION_MIN_MS = 200;
    public static final long STALL_MIN_MS = 500;

    /** Draws the mix of a profile. */
    public static FaultMix draw(FaultProfile profile, SplittableRandom r) {
        return switch (profile) {
            case NONE -> new FaultMix(between(r, 30_000, 60_000), between(r, 2, 30), between(r, 1, 20), 0, 0, 1,
                    between(r, 1, 20), 0, 1, between(r, 1, 500), between(r, 1, 10), 1_000,
                    EngineLimits.OUTBOUND_QUEUE_CAPACITY_FRAMES, EngineLimits.MAX_IN_FLIGHT_PROXY_REQUESTS,
                    rate(r, 2, 5), 0, rate(r, 3, 8), rate(r, 4, 12), rate(r, 1, 3), rate(r, 0.5, 2),
                    0, 0, 0, 0, 1_000, 0, 0, 0, 0, 1_000, 0, 0, 0, 1_000);
            case LIGHT -> new FaultMix(between(r, 40_000, 80_000), between(r, 2, 40), between(r, 1, 30), 1,
                    5, 800, between(r, 1, 20), 10, 3_000, between(r, 1, 1_000), between(r, 1, 10), 1_000,
                    pick(r, 16, 32, 64), pick(r, 64, 1_024),
                    rate(r, 2, 5), 0.3, rate(r, 3, 8), rate(r, 4, 12), rate(r, 1, 3), rate(r, 0.5, 2),
                    0.6, 30, 30, 20, 8_000, 0.2, 0.5, 0.3, 0.2, 6_000, 1.0, 0.5, 0.5, 12_000);
            case HEAVY -> new FaultMix(between(r, 60_000, 120_000), between(r, 2, 80), between(r, 1, 40), 5,
                    15, 1_000, between(r, 1, 30), 30, 3_000, between(r, 1, 1_500), between(r, 1, 20), 1_000,
                    pick(r, 4, 8, 16, 64), pick(r, 2, 8, 1_024),
                    rate(r, 3, 8), 0.8, rate(r, 6, 12), rate(r, 8, 20), rate(r, 2, 5), rate(r, 1, 3),
                    3.0, 40, 40, 25, 15_000, 1.0, 3.0, 2.0, 1.0, 12_000, 6.0, 3.0, 3.0, 20_000);
            case SWARM -> drawSwarm(r);
        };
    }

    private static FaultMix drawSwarm(SplittableRandom r) {
        return new FaultMix(between(r, 20_000, 110_000), between(r, 2, 100), between(r, 1, 50),
                on(r) ? between(r, 1, 15) : 0, on(r) ? between(r, 5, 40) : 0, between(r, 1, 1_200),
                between(r, 1, 40), on(r) ? between(r, 5, 60) : 0, between(r, 500, 4_000), between(r, 1, 2_000),
                between(r, 1, 30), between(r, 200, 3_000),
                pick(r, 4, 8, 16, 64), pick(r, 1, 2, 8, 64, 1_024),
                rate(r, 1, 10), on(r) ? rate(r, 0, 2) : 0, rate(r, 1, 15), rate(r, 1, 30), on(r) ? rate(r, 0, 6) : 0,
                on(r) ? rate(r, 0, 4) : 0,
                on(r) ? rate(r, 0, 6) : 0, between(r, 0, 80), between(r, 0, 80), between(r, 0, 50),
                between(r, 1_000, 30_000),
                on(r) ? rate(r, 0, 2) : 0, on(r) ? rate(r, 0, 5) : 0, on(r) ? rate(r, 0, 4) : 0,
                on(r) ? rate(r, 0, 2) : 0, between(r, 1_000, 20_000),
                on(r) ? rate(r, 0, 12) : 0, on(r) ? rate(r, 0, 6) : 0, on(r) ? rate(r, 0, 6) : 0,
                between(r, 1_000, 30_000));
    }

    /** Whether this mix injects any fault at all (the scenario always runs). */
    public boolean hasFaults() {
        return crashPerMin + cpCrashPerMin + partitionPerMin + oneWayPerMin + isolatePerMin + abortPerMin
                + handlerExceptionPerMin + stallPerMin + abortReconfigPerMin > 0;
    }

    /** The engine bounds the simulated nodes run with. */
    public EngineLimits engineLimits() {
        return EngineLimits.DEFAULTS.withOutboundQueueCapacityFrames(queueCapacityFrames)
                .withMaxInFlightProxyRequests(maxInFlightProxyRequests);
    }

    /** The same mix with a shorter safety phase (used by shrinking). */
    public FaultMix withSafetyMs(long ms) {
        return new FaultMix(ms, netDelayMaxMs, handshakeDelayMaxMs, slowHandshakePercent, establishSlowPercent,
                establishSlowMaxMs, exitDelayMaxMs, slowExitPercent, slowExitMaxMs, dialFailDelayMaxMs, cpLatencyMaxMs,
                cpUnreachableDelayMs, queueCapacityFrames, maxInFlightProxyRequests, reconfigPerMin,
                abortReconfigPerMin, loadPerMin, proxyStatusPerMin, netConfigPerMin, commitPerMin, crashPerMin, midStepCrashPercent,
                tornPercent, gracefulPercent, downMaxMs, cpCrashPerMin, partitionPerMin, oneWayPerMin, isolatePerMin,
                partitionMaxMs, abortPerMin, handlerExceptionPerMin, stallPerMin, stallMaxMs);
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
