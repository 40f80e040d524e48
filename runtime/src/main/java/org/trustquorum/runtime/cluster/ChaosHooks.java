package org.trustquorum.runtime.cluster;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.function.Consumer;
import org.trustquorum.core.model.Configuration;
import org.trustquorum.runtime.cp.Gateway;

/**
 * What {@code tq chaos} lets an extension add to its run (the network nemesis does): JVM arguments
 * for the nodes, work between writing the files and starting the nodes, a wrapper around the
 * control plane's gateway, and faults and checks around each round's reconfiguration. Every
 * method has a do-nothing default; {@link #NONE} is the plain chaos run.
 */
public interface ChaosHooks {
    ChaosHooks NONE = new ChaosHooks() {};

    /** Added to every node's JVM command line. */
    default List<String> nodeJvmArgs() {
        return List.of();
    }

    /** Called with the cluster before it writes its files; {@code violation} reports a failed check. */
    default void configure(ProcessCluster cluster, Consumer<String> violation, PrintStream out) {}

    /** Called after the cluster wrote its files, before any node starts. */
    default void filesWritten() throws IOException {}

    /** The gateway the control plane uses. */
    default Gateway wrap(Gateway gateway) {
        return gateway;
    }

    /** Called when a round's reconfiguration is about to start; {@code latest} is the configuration committed before it. */
    default void beginFaults(int round, Configuration latest) throws InterruptedException {}

    /** Called when the round's reconfiguration has ended; returns a line for the round's report, or null. */
    default String endFaults(int round) throws InterruptedException {
        return null;
    }

    /** Called after the chaos run's final check. */
    default void finalCheck() throws InterruptedException {}

    /** Called once the nodes are stopped. */
    default void close() {}
}
