package org.trustquorum.sim.scenario;

/**
 * One timed action of a run's schedule: a scenario step (what the operators and the control plane
 * do) or a fault. Nodes are referred to by index (0..nodes-1); in faults, {@link #COORDINATOR}
 * stands for whichever node coordinates the control plane's current attempt when the entry takes
 * effect (the entry does nothing if there is none). A run is a function of its seed and its
 * schedule; shrinking removes and simplifies entries.
 */
public sealed interface Entry {
    /** Node index meaning "the coordinator of the current reconfiguration attempt". */
    int COORDINATOR = -1;

    /** Virtual time at which the entry takes effect. */
    long atMs();

    /** Where in a node's work a crash hits. */
    enum CrashPoint {
        /** Between two events: nothing half done. */
        BETWEEN_EVENTS,
        /** At the node's next step that persists: the persist completes, its outputs are never released. */
        AFTER_PERSIST,
        /** At the node's next step that persists: the write of the newest ledger copy is torn. */
        TORN_PERSIST,
        /** A graceful shutdown (the engine fails its work and closes its connections), then the process stops. */
        GRACEFUL
    }

    // ---- scenario ----

    /** The control plane starts a reconfiguration; {@code choice} seeds the choice of members and threshold. */
    record Reconfigure(long atMs, long choice) implements Entry {}

    /**
     * The control plane starts a reconfiguration to exactly these members (bit i = node i) and
     * threshold; for scripted schedules.
     */
    record ReconfigureTo(long atMs, long memberMask, int threshold) implements Entry {}

    /** The control plane gives up its current (uncommitted) attempt. */
    record AbortReconfiguration(long atMs) implements Entry {}

    /** An operator asks a node for the rack secret (repeated while it is collecting). */
    record LoadSecret(long atMs, int node, boolean olderEpoch) implements Entry {}

    /** An operator wipes a node's loaded secrets (the next load must collect shares again). */
    record ClearSecrets(long atMs, int node) implements Entry {}

    /** A node is asked to proxy a Status call to another node. */
    record ProxyStatus(long atMs, int from, int to) implements Entry {}

    /**
     * An operator asks a node to commit the latest configuration the control plane committed
     * (directly when the node is on the management network, else through a proxy). A node that
     * never prepared that epoch must refuse.
     */
    record OperatorCommit(long atMs, int node, long choice) implements Entry {}

    /** A node gets a new network configuration to gossip. */
    record UpdateNetworkConfig(long atMs, int node) implements Entry {}

    // ---- faults ----

    record Crash(long atMs, int node, long downMs, CrashPoint point) implements Entry {}

    record CrashControlPlane(long atMs, long downMs) implements Entry {}

    /** Nodes a and b cannot reach each other: their connections abort and dials between them fail. */
    record Partition(long atMs, int a, int b, long durationMs) implements Entry {}

    /**
     * Frames from {@code from} to {@code to} are held (connections stay up; the receiver closes one on
     * inactivity if the partition outlasts its timeout) and dials between them fail.
     */
    record OneWayPartition(long atMs, int from, int to, long durationMs) implements Entry {}

    /** A node is partitioned from every other node. */
    record Isolate(long atMs, int node, long durationMs) implements Entry {}

    /** The connections between a and b abort (frames in flight are lost in both directions). */
    record AbortConnection(long atMs, int a, int b) implements Entry {}

    /** The handler of {@code node}'s connection to {@code peer} throws: that connection ends. */
    record HandlerException(long atMs, int node, int peer) implements Entry {}

    /** Frames from {@code from} to {@code to} are not flushed for a while (the sender's queue fills). */
    record Stall(long atMs, int from, int to, long durationMs) implements Entry {}

    /** None of the node's frames leave it for a while (a stuck send path); its queues fill. */
    record Freeze(long atMs, int node, long durationMs) implements Entry {}

    /** Short kind name (also the JSON tag). */
    static String kind(Entry e) {
        return switch (e) {
            case Reconfigure x -> "reconfigure";
            case ReconfigureTo x -> "reconfigure-to";
            case AbortReconfiguration x -> "abort-reconfiguration";
            case LoadSecret x -> "load-secret";
            case ClearSecrets x -> "clear-secrets";
            case ProxyStatus x -> "proxy-status";
            case UpdateNetworkConfig x -> "update-network-config";
            case OperatorCommit x -> "operator-commit";
            case Crash x -> "crash";
            case CrashControlPlane x -> "crash-control-plane";
            case Partition x -> "partition";
            case OneWayPartition x -> "one-way-partition";
            case Isolate x -> "isolate";
            case AbortConnection x -> "abort-connection";
            case HandlerException x -> "handler-exception";
            case Stall x -> "stall";
            case Freeze x -> "freeze";
        };
    }

    /** True for faults (false for scenario steps). */
    static boolean isFault(Entry e) {
        return switch (e) {
            case Reconfigure x -> false;
            case ReconfigureTo x -> false;
            case AbortReconfiguration x -> true;
            case LoadSecret x -> false;
            case ClearSecrets x -> false;
            case ProxyStatus x -> false;
            case UpdateNetworkConfig x -> false;
            case OperatorCommit x -> false;
            case Crash x -> true;
            case CrashControlPlane x -> true;
            case Partition x -> true;
            case OneWayPartition x -> true;
            case Isolate x -> true;
            case AbortConnection x -> true;
            case HandlerException x -> true;
            case Stall x -> true;
            case Freeze x -> true;
        };
    }
}
