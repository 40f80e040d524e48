package org.trustquorum.core.engine;

import org.trustquorum.core.Check;

/**
 * Where a peer listens on the bootstrap network. Ordered by host string, then port. The order
 * decides who dials whom: of two nodes, only the one with the higher address dials the lower one,
 * so each pair normally has a single connection.
 */
public record PeerAddress(String host, int port) implements Comparable<PeerAddress> {
    public PeerAddress {
        Check.notNull(host, "host");
        Check.argument(!host.isEmpty(), "host must not be empty");
        Check.argument(port >= 1 && port <= 65_535, "port must be in 1..65535, got %d", port);
    }

    @Override
    public int compareTo(PeerAddress other) {
        int c = host.compareTo(other.host);
        return c != 0 ? c : Integer.compare(port, other.port);
    }

    /** True if a node at this address is the one that dials a node at {@code other}. */
    public boolean dials(PeerAddress other) {
        return compareTo(other) > 0;
    }

    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
