package org.trustquorum.runtime.node;

import java.nio.file.Path;
import java.util.List;
import org.trustquorum.core.Check;
import org.trustquorum.core.engine.EngineLimits;
import org.trustquorum.core.engine.PeerAddress;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.runtime.ledger.Ledger;
import org.trustquorum.runtime.tls.NodeTls;

/**
 * Everything a node needs to run, resolved (paths absolute, defaults applied).
 *
 * @param listenHost address the peer listener binds to
 * @param listenPort its port; 0 picks a free one (then tell the peers with {@code setPeers})
 * @param advertisedHost the host other nodes list for this node; decides the dial order
 * @param peers the bootstrap network: addresses of the other nodes (this node's own may be listed)
 * @param admin the admin listener, or null for none
 * @param controlPlaneKey the control plane's public key file (PEM): recorded in the ledger on first
 *                        start; a node whose ledger already has a key refuses a different one
 */
public record NodeSettings(NodeId id, String listenHost, int listenPort, String advertisedHost, List<PeerAddress> peers,
        NodeTls tls, List<Path> ledgerPaths, Admin admin, EngineLimits limits, Path controlPlaneKey) {

    /** Shortest admin token we accept: a guessable token would unlock the node's API. */
    public static final int MIN_TOKEN_CHARS = 16;

    public NodeSettings {
        Check.notNull(id, "id");
        Check.notNull(listenHost, "listen host");
        Check.argument(listenPort >= 0 && listenPort <= 65_535, "listen port must be in 0..65535");
        Check.notNull(advertisedHost, "advertised host");
        Check.notNull(tls, "tls");
        Check.notNull(limits, "limits");
        Check.notNull(controlPlaneKey, "control-plane key file");
        peers = List.copyOf(peers);
        ledgerPaths = List.copyOf(ledgerPaths);
        Check.argument(ledgerPaths.size() >= Ledger.MIN_COPIES, "a node needs at least %d ledger paths", Ledger.MIN_COPIES);
    }

    /** The admin listener: where it binds and the bearer token it requires. */
    public record Admin(String host, int port, String token) {
        public Admin {
            Check.notNull(host, "admin host");
            Check.argument(port >= 0 && port <= 65_535, "admin port must be in 0..65535");
            Check.notNull(token, "admin token");
            Check.argument(token.length() >= MIN_TOKEN_CHARS, "the admin token must have at least %d characters",
                    MIN_TOKEN_CHARS);
        }

        @Override
        public String toString() {
            return "Admin[" + host + ":" + port + ", token=<redacted>]";
        }
    }

    public NodeSettings withLimits(EngineLimits l) {
        return new NodeSettings(id, listenHost, listenPort, advertisedHost, peers, tls, ledgerPaths, admin, l,
                controlPlaneKey);
    }

    public NodeSettings withPeers(List<PeerAddress> p) {
        return new NodeSettings(id, listenHost, listenPort, advertisedHost, p, tls, ledgerPaths, admin, limits,
                controlPlaneKey);
    }
}
