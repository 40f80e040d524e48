package org.trustquorum.core.engine;

import org.trustquorum.core.Check;

/**
 * Every bound of the connection layer and the proxy, with its unit in its name. The static
 * constants are the production values; {@link #DEFAULTS} bundles them, and tests or the simulator
 * build smaller instances (see the {@code with...} methods).
 *
 * @param pingIntervalMs               how often a keepalive ping is sent on each established connection
 * @param inactivityTimeoutMs          an established connection with no complete inbound frame for this long is closed
 * @param handshakeTimeoutMs           a connection that is not established this long after it was allocated is closed
 * @param reconnectBaseMs              backoff before the first redial of an address
 * @param reconnectMaxMs               the backoff never exceeds this (jitter included)
 * @param reconnectJitterPercent       each backoff is scaled by a random factor in [100-J, 100+J] percent
 * @param outboundQueueCapacityFrames  frames handed to the driver and not yet reported flushed, per connection
 * @param proxyRequestTimeoutMs        a proxied request not answered this long after it was sent fails with Timeout
 * @param maxInFlightProxyRequests     proxied requests tracked at once; more are refused with Busy(LOCAL_QUEUE)
 * @param maxPendingInboundConnections accepted connections not yet established; more are closed at once
 */
public record EngineLimits(
        long pingIntervalMs,
        long inactivityTimeoutMs,
        long handshakeTimeoutMs,
        long reconnectBaseMs,
        long reconnectMaxMs,
        int reconnectJitterPercent,
        int outboundQueueCapacityFrames,
        long proxyRequestTimeoutMs,
        int maxInFlightProxyRequests,
        int maxPendingInboundConnections) {

    public static final long PING_INTERVAL_MS = 1_000;
    public static final long INACTIVITY_TIMEOUT_MS = 10_000;
    public static final long HANDSHAKE_TIMEOUT_MS = 10_000;
    public static final long RECONNECT_BASE_MS = 250;
    public static final long RECONNECT_MAX_MS = 5_000;
    public static final int RECONNECT_JITTER_PERCENT = 20;
    public static final int OUTBOUND_QUEUE_CAPACITY_FRAMES = 64;
    /**
     * The smallest outbound queue allowed. A new connection carries a burst at once: the gossiped
     * network configuration and what the protocol re-sends on connect (a Prepare or a
     * GetShare for each of coordinator, share computation and secret loading). A queue smaller than
     * that burst closes every new connection before its first flush, forever.
     */
    public static final int MIN_OUTBOUND_QUEUE_CAPACITY_FRAMES = 4;
    public static final long PROXY_REQUEST_TIMEOUT_MS = 15_000;
    public static final int MAX_IN_FLIGHT_PROXY_REQUESTS = 1_024;
    public static final int MAX_PENDING_INBOUND_CONNECTIONS = 64;

    public static final EngineLimits DEFAULTS = new EngineLimits(
            PING_INTERVAL_MS,
            INACTIVITY_TIMEOUT_MS,
            HANDSHAKE_TIMEOUT_MS,
            RECONNECT_BASE_MS,
            RECONNECT_MAX_MS,
            RECONNECT_JITTER_PERCENT,
            OUTBOUND_QUEUE_CAPACITY_FRAMES,
            PROXY_REQUEST_TIMEOUT_MS,
            MAX_IN_FLIGHT_PROXY_REQUESTS,
            MAX_PENDING_INBOUND_CONNECTIONS);

    public EngineLimits {
        Check.argument(pingIntervalMs > 0, "pingIntervalMs must be positive");
        Check.argument(inactivityTimeoutMs > 0, "inactivityTimeoutMs must be positive");
        Check.argument(handshakeTimeoutMs > 0, "handshakeTimeoutMs must be positive");
        Check.argument(reconnectBaseMs > 0, "reconnectBaseMs must be positive");
        Check.argument(reconnectMaxMs >= reconnectBaseMs, "reconnectMaxMs must be >= reconnectBaseMs");
        Check.argument(reconnectJitterPercent >= 0 && reconnectJitterPercent < 100,
                "reconnectJitterPercent must be in [0, 100)");
        Check.argument(outboundQueueCapacityFrames >= MIN_OUTBOUND_QUEUE_CAPACITY_FRAMES,
                "outboundQueueCapacityFrames must be >= %d (the burst a new connection carries)",
                MIN_OUTBOUND_QUEUE_CAPACITY_FRAMES);
        Check.argument(proxyRequestTimeoutMs > 0, "proxyRequestTimeoutMs must be positive");
        Check.argument(maxInFlightProxyRequests >= 1, "maxInFlightProxyRequests must be >= 1");
        Check.argument(maxPendingInboundConnections >= 1, "maxPendingInboundConnections must be >= 1");
    }

    public EngineLimits withPingIntervalMs(long v) {
        return new EngineLimits(v, inactivityTimeoutMs, handshakeTimeoutMs, reconnectBaseMs, reconnectMaxMs,
                reconnectJitterPercent, outboundQueueCapacityFrames, proxyRequestTimeoutMs, maxInFlightProxyRequests,
                maxPendingInboundConnections);
    }

    public EngineLimits withInactivityTimeoutMs(long v) {
        return new EngineLimits(pingIntervalMs, v, handshakeTimeoutMs, reconnectBaseMs, reconnectMaxMs,
                reconnectJitterPercent, outboundQueueCapacityFrames, proxyRequestTimeoutMs, maxInFlightProxyRequests,
                maxPendingInboundConnections);
    }

    public EngineLimits withHandshakeTimeoutMs(long v) {
        return new EngineLimits(pingIntervalMs, inactivityTimeoutMs, v, reconnectBaseMs, reconnectMaxMs,
                reconnectJitterPercent, outboundQueueCapacityFrames, proxyRequestTimeoutMs, maxInFlightProxyRequests,
                maxPendingInboundConnections);
    }

    public EngineLimits withReconnect(long baseMs, long maxMs, int jitterPercent) {
        return new EngineLimits(pingIntervalMs, inactivityTimeoutMs, handshakeTimeoutMs, baseMs, maxMs,
                jitterPercent, outboundQueueCapacityFrames, proxyRequestTimeoutMs, maxInFlightProxyRequests,
                maxPendingInboundConnections);
    }

    public EngineLimits withOutboundQueueCapacityFrames(int v) {
        return new EngineLimits(pingIntervalMs, inactivityTimeoutMs, handshakeTimeoutMs, reconnectBaseMs,
                reconnectMaxMs, reconnectJitterPercent, v, proxyRequestTimeoutMs, maxInFlightProxyRequests,
                maxPendingInboundConnections);
    }

    public EngineLimits withProxyRequestTimeoutMs(long v) {
        return new EngineLimits(pingIntervalMs, inactivityTimeoutMs, handshakeTimeoutMs, reconnectBaseMs,
                reconnectMaxMs, reconnectJitterPercent, outboundQueueCapacityFrames, v, maxInFlightProxyRequests,
                maxPendingInboundConnections);
    }

    public EngineLimits withMaxInFlightProxyRequests(int v) {
        return new EngineLimits(pingIntervalMs, inactivityTimeoutMs, handshakeTimeoutMs, reconnectBaseMs,
                reconnectMaxMs, reconnectJitterPercent, outboundQueueCapacityFrames, proxyRequestTimeoutMs, v,
                maxPendingInboundConnections);
    }

    public EngineLimits withMaxPendingInboundConnections(int v) {
        return new EngineLimits(pingIntervalMs, inactivityTimeoutMs, handshakeTimeoutMs, reconnectBaseMs,
                reconnectMaxMs, reconnectJitterPercent, outboundQueueCapacityFrames, proxyRequestTimeoutMs,
                maxInFlightProxyRequests, v);
    }
}
