package org.trustquorum.sim;

import java.util.SplittableRandom;
import org.trustquorum.sim.scenario.FaultMix;

/**
 * The simulated network's delays, drawn from the run's network stream. The stream is shared with
 * the rest of the simulation, so each method draws exactly what it always did, in the same order.
 */
final class NetDelays {
    private static final int PERCENT = 100;

    private final SplittableRandom net;
    private final FaultMix mix;

    NetDelays(SplittableRandom net, FaultMix mix) {
        this.net = net;
        this.mix = mix;
    }

    /** One frame's network delay, in ms (at least 1). */
    int netDelay() {
        return 1 + net.nextInt(mix.netDelayMaxMs());
    }

    /** How long after a connection ends its exit reaches an end, in ms. */
    long exitDelay() {
        if (mix.slowExitPercent() > 0 && net.nextInt(PERCENT) < mix.slowExitPercent()) {
            return net.nextInt(mix.slowExitMaxMs() + 1);
        }
        return net.nextInt(mix.exitDelayMaxMs() + 1);
    }

    /** After the handshake, how long until an end sees the connection established, in ms. */
    long establishDelay() {
        if (mix.establishSlowPercent() > 0 && net.nextInt(PERCENT) < mix.establishSlowPercent()) {
            return net.nextInt(mix.establishSlowMaxMs() + 1);
        }
        return net.nextInt((int) Simulation.ESTABLISH_DELAY_MAX_MS + 1);
    }

    /** How long the handshake of a connection takes, in ms. */
    long handshakeDelay() {
        if (mix.slowHandshakePercent() > 0 && net.nextInt(PERCENT) < mix.slowHandshakePercent()) {
            return FaultMix.SLOW_HANDSHAKE_MIN_MS
                    + net.nextLong(FaultMix.SLOW_HANDSHAKE_MAX_MS - FaultMix.SLOW_HANDSHAKE_MIN_MS + 1);
        }
        return 1 + net.nextInt(mix.handshakeDelayMaxMs());
    }
}
