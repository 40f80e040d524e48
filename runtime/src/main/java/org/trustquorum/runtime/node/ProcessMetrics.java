package org.trustquorum.runtime.node;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;

/**
 * The Vert.x instance of a {@code tq node} process, reporting into the node's registry: Vert.x's
 * own figures (net server and client connections and bytes, HTTP servers, worker pools), the
 * JVM's (memory, GC, threads, class loading, CPU) and Netty's (buffer allocator, pending
 * event-loop tasks), next to the node's own ({@link NodeMetrics}).
 */
final class ProcessMetrics {
    private ProcessMetrics() {}

    static Vertx vertx(PrometheusMeterRegistry registry) {
        MicrometerMetricsOptions metrics = new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true)
                .setNettyMetricsEnabled(true);
        return Vertx.builder().with(new VertxOptions().setMetricsOptions(metrics))
                .withMetrics(new MicrometerMetricsFactory(registry)).build();
    }
}
