package org.trustquorum.runtime.nemesis;

import org.trustquorum.core.api.NodeStatus;
import org.trustquorum.runtime.admin.AdminClient;
import org.trustquorum.runtime.admin.AdminException;
import org.trustquorum.runtime.cluster.ProcessCluster;

/**
 * What the checks read from one running node: its status (connected peers, proxied requests in
 * its tracker, alarms) and three figures of its metrics page (live connection incarnations,
 * proxied requests completed, alarms raised).
 */
public record NodeFigures(NodeStatus status, long liveConnections, long proxyCompleted, long alarmsRaised) {

    /** Metric: live connection incarnations, in any state. */
    static final String CONNECTIONS = "tq_connections";
    /** Metric: proxied requests completed, by outcome (summed here). */
    static final String PROXY_COMPLETED = "tq_proxy_requests_completed_total";
    /** Metric: alarms raised. */
    static final String ALARMS = "tq_alarms_total";

    /** Reads the figures of a running node. */
    public static NodeFigures read(ProcessCluster cluster, ProcessCluster.Child c) throws AdminException {
        NodeStatus s = cluster.status(c);
        AdminClient.Raw raw = AdminClient.await(cluster.admin(c).raw("GET", "/metrics", null));
        if (raw.status() != 200) {
            throw new AdminException(raw.status(), "Metrics", "GET /metrics answered " + raw.status());
        }
        String text = raw.text();
        return new NodeFigures(s, sum(text, CONNECTIONS), sum(text, PROXY_COMPLETED), sum(text, ALARMS));
    }

    /**
     * The sum of every sample of {@code metric} (all label sets) in a Prometheus text page.
     * A metric the page does not have is an error: the checks would otherwise pass vacuously.
     */
    static long sum(String page, String metric) throws AdminException {
        double total = 0;
        boolean found = false;
        for (String line : page.split("\n")) {
            if (line.startsWith("#") || !line.startsWith(metric)) {
                continue;
            }
            int end = metric.length();
            if (line.length() == end || (line.charAt(end) != '{' && line.charAt(end) != ' ')) {
                continue; // another metric that shares the prefix
            }
            String value = line.substring(line.lastIndexOf(' ') + 1);
            try {
                total += Double.parseDouble(value);
                found = true;
            } catch (NumberFormatException e) {
                throw new AdminException(200, "Metrics", "unreadable sample: " + line);
            }
        }
        if (!found) {
            throw new AdminException(200, "Metrics", "the metrics page has no " + metric);
        }
        return Math.round(total);
    }
}
