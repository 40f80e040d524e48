package org.trustquorum.runtime.nemesis;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.runtime.cluster.ProcessCluster;
import org.trustquorum.runtime.node.NodeConfig;

/**
 * A fault proxy on every peer link of a {@link ProcessCluster}. As its peer routing, it gives each
 * node a peer list that names only proxies: node i lists one proxy for each node j &lt; i, which
 * forwards to j's real address. The proxies' ports are all below the nodes' own, so a node dials
 * every address it lists (the connection layer dials the lower address) and each pair of nodes has
 * exactly one link, dialed by the higher-numbered node.
 */
public final class FaultProxies implements ProcessCluster.PeerRouting, AutoCloseable {
    private static final String LOOPBACK = "127.0.0.1";

    private final List<NodeId> ids;
    /** Keyed by "dialer->acceptor" index pair, in the order the links were made. */
    private final Map<String, LinkProxy> proxies = new TreeMap<>();
    private final List<LinkProxy> ordered = new ArrayList<>();

    public FaultProxies(List<NodeId> ids) {
        this.ids = List.copyOf(ids);
    }

    @Override
    public int extraPorts(int nodes) {
        return nodes * (nodes - 1) / 2;
    }

    @Override
    public List<NodeConfig.Endpoint> peersOf(int index, List<NodeConfig.Endpoint> nodes, int[] extraPorts) {
        List<NodeConfig.Endpoint> peers = new ArrayList<>();
        for (int j = 0; j < index; j++) {
            int port = extraPorts[index * (index - 1) / 2 + j]; // links 1->0, 2->0, 2->1, 3->0, ...
            Link link = new Link(index, ids.get(index), j, ids.get(j));
            NodeConfig.Endpoint to = nodes.get(j);
            LinkProxy p = new LinkProxy(link, port, new InetSocketAddress(to.host(), to.port()));
            proxies.put(link.label(), p);
            ordered.add(p);
            peers.add(new NodeConfig.Endpoint(LOOPBACK, port));
        }
        return peers;
    }

    /** Starts every proxy (after the cluster wrote its files, before the nodes start). */
    public void start() throws IOException {
        for (LinkProxy p : ordered) {
            p.start();
        }
    }

    /** Every link, dialer-major order. */
    public List<Link> links() {
        return ordered.stream().map(LinkProxy::link).toList();
    }

    public LinkProxy proxy(Link link) {
        LinkProxy p = proxies.get(link.label());
        if (p == null) {
            throw new IllegalArgumentException("no proxy for link " + link.label());
        }
        return p;
    }

    public List<LinkProxy> all() {
        return List.copyOf(ordered);
    }

    /** Every link passes bytes freely again. */
    public void healAll() {
        ordered.forEach(LinkProxy::heal);
    }

    @Override
    public void close() {
        ordered.forEach(LinkProxy::close);
    }
}
