package org.trustquorum.runtime.node;

import java.util.List;
import java.util.function.Consumer;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT for {@code tq node}. The JVM's own handling of these signals runs the
 * shutdown hooks and then exits with 128 + the signal number (143 for SIGTERM), which a service
 * manager reports as a failure even after a clean stop. Handling the signals ourselves lets the
 * node stop gracefully and the process exit with the node's own code (0 after a clean stop).
 */
final class StopSignals {
    private StopSignals() {}

    /** The signals that ask a node to stop gracefully. */
    static final List<String> NAMES = List.of("TERM", "INT");

    /** Calls {@code onSignal} with the signal's name (on a JVM signal thread) whenever one arrives. */
    static void install(Consumer<String> onSignal) {
        for (String name : NAMES) {
            Signal.handle(new Signal(name), s -> onSignal.accept("SIG" + s.getName()));
        }
    }
}
