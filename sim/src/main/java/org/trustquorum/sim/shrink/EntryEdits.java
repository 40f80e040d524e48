package org.trustquorum.sim.shrink;

import java.util.ArrayList;
import java.util.List;
import org.trustquorum.sim.scenario.Entry;
import org.trustquorum.sim.scenario.Schedule;

/**
 * Edits of one schedule entry that shrinking needs: moving it in time, and renumbering the nodes
 * it names when nodes are taken out of the run.
 */
final class EntryEdits {
    /** In a renumbering, the new index of a node that is taken out. */
    static final int REMOVED = -2;
    /** Outages, partitions and stalls are halved only while longer than this. */
    static final long MIN_HALVED_MS = 200;

    private EntryEdits() {}

    /** The same entry at another time. */
    static Entry at(Entry e, long atMs) {
        return switch (e) {
            case Entry.Reconfigure x -> new Entry.Reconfigure(atMs, x.choice());
            case Entry.ReconfigureTo x -> new Entry.ReconfigureTo(atMs, x.memberMask(), x.threshold());
            case Entry.AbortReconfiguration x -> new Entry.AbortReconfiguration(atMs);
            case Entry.LoadSecret x -> new Entry.LoadSecret(atMs, x.node(), x.olderEpoch());
            case Entry.ClearSecrets x -> new Entry.ClearSecrets(atMs, x.node());
            case Entry.ProxyStatus x -> new Entry.ProxyStatus(atMs, x.from(), x.to());
            case Entry.OperatorCommit x -> new Entry.OperatorCommit(atMs, x.node(), x.choice());
            case Entry.UpdateNetworkConfig x -> new Entry.UpdateNetworkConfig(atMs, x.node());
            case Entry.Crash x -> new Entry.Crash(atMs, x.node(), x.downMs(), x.point());
            case Entry.CrashControlPlane x -> new Entry.CrashControlPlane(atMs, x.downMs());
            case Entry.Partition x -> new Entry.Partition(atMs, x.a(), x.b(), x.durationMs());
            case Entry.OneWayPartition x -> new Entry.OneWayPartition(atMs, x.from(), x.to(), x.durationMs());
            case Entry.Isolate x -> new Entry.Isolate(atMs, x.node(), x.durationMs());
            case Entry.AbortConnection x -> new Entry.AbortConnection(atMs, x.a(), x.b());
            case Entry.HandlerException x -> new Entry.HandlerException(atMs, x.node(), x.peer());
            case Entry.Stall x -> new Entry.Stall(atMs, x.from(), x.to(), x.durationMs());
            case Entry.Freeze x -> new Entry.Freeze(atMs, x.node(), x.durationMs());
        };
    }

    /**
     * The entry with every node index {@code i} replaced by {@code newIndex[i]}
     * ({@link Entry#COORDINATOR} stays), or null if it names a node that is taken out
     * ({@link #REMOVED}) or, for a scripted reconfiguration, keeps too few members.
     */
    static Entry renumber(Entry e, int[] newIndex) {
        return switch (e) {
            case Entry.Reconfigure x -> x;
            case Entry.ReconfigureTo x -> renumberMask(x, newIndex);
            case Entry.AbortReconfiguration x -> x;
            case Entry.LoadSecret x -> keep(newIndex, x.node())
                    ? new Entry.LoadSecret(x.atMs(), map(newIndex, x.node()), x.olderEpoch()) : null;
            case Entry.ClearSecrets x -> keep(newIndex, x.node())
                    ? new Entry.ClearSecrets(x.atMs(), map(newIndex, x.node())) : null;
            case Entry.ProxyStatus x -> keep(newIndex, x.from(), x.to())
                    ? new Entry.ProxyStatus(x.atMs(), map(newIndex, x.from()), map(newIndex, x.to())) : null;
            case Entry.OperatorCommit x -> keep(newIndex, x.node())
                    ? new Entry.OperatorCommit(x.atMs(), map(newIndex, x.node()), x.choice()) : null;
            case Entry.UpdateNetworkConfig x -> keep(newIndex, x.node())
                    ? new Entry.UpdateNetworkConfig(x.atMs(), map(newIndex, x.node())) : null;
            case Entry.Crash x -> keep(newIndex, x.node())
                    ? new Entry.Crash(x.atMs(), map(newIndex, x.node()), x.downMs(), x.point()) : null;
            case Entry.CrashControlPlane x -> x;
            case Entry.Partition x -> keep(newIndex, x.a(), x.b())
                    ? new Entry.Partition(x.atMs(), map(newIndex, x.a()), map(newIndex, x.b()), x.durationMs()) : null;
            case Entry.OneWayPartition x -> keep(newIndex, x.from(), x.to())
                    ? new Entry.OneWayPartition(x.atMs(), map(newIndex, x.from()), map(newIndex, x.to()),
                            x.durationMs()) : null;
            case Entry.Isolate x -> keep(newIndex, x.node())
                    ? new Entry.Isolate(x.atMs(), map(newIndex, x.node()), x.durationMs()) : null;
            case Entry.AbortConnection x -> keep(newIndex, x.a(), x.b())
                    ? new Entry.AbortConnection(x.atMs(), map(newIndex, x.a()), map(newIndex, x.b())) : null;
            case Entry.HandlerException x -> keep(newIndex, x.node(), x.peer())
                    ? new Entry.HandlerException(x.atMs(), map(newIndex, x.node()), map(newIndex, x.peer())) : null;
            case Entry.Stall x -> keep(newIndex, x.from(), x.to())
                    ? new Entry.Stall(x.atMs(), map(newIndex, x.from()), map(newIndex, x.to()), x.durationMs()) : null;
            case Entry.Freeze x -> keep(newIndex, x.node())
                    ? new Entry.Freeze(x.atMs(), map(newIndex, x.node()), x.durationMs()) : null;
        };
    }

    private static Entry renumberMask(Entry.ReconfigureTo x, int[] newIndex) {
        long mask = 0;
        for (int i = 0; i < newIndex.length; i++) {
            if ((x.memberMask() & (1L << i)) != 0 && newIndex[i] != REMOVED) {
                mask |= 1L << newIndex[i];
            }
        }
        int members = Long.bitCount(mask);
        if (members < Schedule.MIN_NODES) {
            return null;
        }
        return new Entry.ReconfigureTo(x.atMs(), mask, Math.min(x.threshold(), members - 1));
    }

    private static boolean keep(int[] newIndex, int... nodes) {
        for (int n : nodes) {
            if (n != Entry.COORDINATOR && (n >= newIndex.length || newIndex[n] == REMOVED)) {
                return false;
            }
        }
        return true;
    }

    private static int map(int[] newIndex, int node) {
        return node == Entry.COORDINATOR ? node : newIndex[node];
    }

    /**
     * Simpler versions of an entry, mildest first: a crash between events instead of mid-step, a
     * shorter outage, partition or stall, an abort instead of a partition, the latest epoch's secret.
     */
    static List<Entry> simpler(Entry e) {
        List<Entry> out = new ArrayList<>();
        switch (e) {
            case Entry.Crash c -> {
                if (c.point() != Entry.CrashPoint.BETWEEN_EVENTS) {
                    out.add(new Entry.Crash(c.atMs(), c.node(), c.downMs(), Entry.CrashPoint.BETWEEN_EVENTS));
                }
                if (c.point() == Entry.CrashPoint.TORN_PERSIST) {
                    out.add(new Entry.Crash(c.atMs(), c.node(), c.downMs(), Entry.CrashPoint.AFTER_PERSIST));
                }
                if (c.downMs() > MIN_HALVED_MS) {
                    out.add(new Entry.Crash(c.atMs(), c.node(), c.downMs() / 2, c.point()));
                }
            }
            case Entry.CrashControlPlane c -> {
                if (c.downMs() > MIN_HALVED_MS) {
                    out.add(new Entry.CrashControlPlane(c.atMs(), c.downMs() / 2));
                }
            }
            case Entry.Partition p -> {
                if (p.durationMs() > MIN_HALVED_MS) {
                    out.add(new Entry.Partition(p.atMs(), p.a(), p.b(), p.durationMs() / 2));
                }
                out.add(new Entry.AbortConnection(p.atMs(), p.a(), p.b()));
            }
            case Entry.OneWayPartition p -> {
                if (p.durationMs() > MIN_HALVED_MS) {
                    out.add(new Entry.OneWayPartition(p.atMs(), p.from(), p.to(), p.durationMs() / 2));
                }
            }
            case Entry.Isolate p -> {
                if (p.durationMs() > MIN_HALVED_MS) {
                    out.add(new Entry.Isolate(p.atMs(), p.node(), p.durationMs() / 2));
                }
            }
            case Entry.Stall s -> {
                if (s.durationMs() > MIN_HALVED_MS) {
                    out.add(new Entry.Stall(s.atMs(), s.from(), s.to(), s.durationMs() / 2));
                }
            }
            case Entry.Freeze f -> {
                if (f.durationMs() > MIN_HALVED_MS) {
                    out.add(new Entry.Freeze(f.atMs(), f.node(), f.durationMs() / 2));
                }
            }
            case Entry.LoadSecret l -> {
                if (l.olderEpoch()) {
                    out.add(new Entry.LoadSecret(l.atMs(), l.node(), false));
                }
            }
            case Entry.Reconfigure r -> { }
            case Entry.ReconfigureTo r -> { }
            case Entry.ClearSecrets c -> { }
            case Entry.AbortReconfiguration a -> { }
            case Entry.ProxyStatus p -> { }
            case Entry.UpdateNetworkConfig u -> { }
            case Entry.OperatorCommit o -> { }
            case Entry.AbortConnection a -> { }
            case Entry.HandlerException h -> { }
        }
        return out;
    }
}
