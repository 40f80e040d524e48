package org.trustquorum.sim.scenario;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.LongFunction;
import org.trustquorum.core.Check;
import org.trustquorum.sim.FaultProfile;
import org.trustquorum.sim.Streams;

/** Draws a run's schedule from its seed. */
public final class ScenarioGenerator {
    /** Faults and scenario steps start this long after time zero (the initial configuration goes first). */
    public static final long FIRST_ENTRY_MS = 500;
    private static final long MS_PER_MINUTE = 60_000;
    public static final long CP_DOWN_MIN_MS = 500;
    public static final long CP_DOWN_MAX_MS = 10_000;
    /** A coordinator crash (or freeze) drawn for a reconfiguration hits within this long after it starts. */
    public static final long COORDINATOR_CRASH_WINDOW_MS = 1_500;
    /** One secret load in this many asks for the epoch before the latest. */
    public static final int OLDER_EPOCH_LOAD_ONE_IN = 4;
    /** Secrets are cleared at a quarter of the rate they are loaded. */
    public static final double CLEARS_PER_LOAD_ONE_IN = 4.0;

    private ScenarioGenerator() {}

    public static Schedule generate(long seed, int nodes, FaultProfile profile) {
        Check.argument(nodes >= Schedule.MIN_NODES && nodes <= Schedule.MAX_NODES, "nodes must be in %d..%d",
                Schedule.MIN_NODES, Schedule.MAX_NODES);
        SplittableRandom r = Streams.stream(seed, Streams.SCENARIO);
        FaultMix mix = FaultMix.draw(profile, r);

        int initialSize = nodes == Schedule.MIN_NODES ? nodes : between(r, Math.max(3, nodes / 2), nodes - 1);
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            all.add(i);
        }
        shuffle(all, r);
        List<Integer> initial = new ArrayList<>(all.subList(0, initialSize));
        initial.sort(null);
        int threshold = between(r, 2, initialSize - 1);

        long horizon = mix.safetyMs();
        List<Entry> entries = new ArrayList<>();
        List<Entry> reconfigs = new ArrayList<>();
        poisson(r, mix.reconfigPerMin(), horizon, reconfigs, t -> new Entry.Reconfigure(t, r.nextLong()));
        for (Entry e : reconfigs) {
            entries.add(e);
            if (r.nextInt(100) < mix.coordinatorCrashPercent()) {
                long at = e.atMs() + r.nextLong(COORDINATOR_CRASH_WINDOW_MS + 1);
                if (at < horizon) {
                    entries.add(new Entry.Crash(at, Entry.COORDINATOR,
                            between(r, FaultMix.DOWN_MIN_MS, mix.downMaxMs()), crashPoint(r, mix)));
                }
            }
            if (mix.freezePerMin() > 0 && r.nextInt(100) < mix.coordinatorCrashPercent()) {
                // A gray failure instead: the coordinator's frames stop leaving it for a while.
                long at = e.atMs() + r.nextLong(COORDINATOR_CRASH_WINDOW_MS + 1);
                if (at < horizon) {
                    entries.add(new Entry.Freeze(at, Entry.COORDINATOR,
                            between(r, FaultMix.STALL_MIN_MS, mix.stallMaxMs())));
                }
            }
        }
        poisson(r, mix.abortReconfigPerMin(), horizon, entries, t -> new Entry.AbortReconfiguration(t));
        poisson(r, mix.loadPerMin(), horizon, entries,
                t -> new Entry.LoadSecret(t, r.nextInt(nodes), r.nextInt(OLDER_EPOCH_LOAD_ONE_IN) == 0));
        poisson(r, mix.loadPerMin() / CLEARS_PER_LOAD_ONE_IN, horizon, entries,
                t -> new Entry.ClearSecrets(t, r.nextInt(nodes)));
        poisson(r, mix.proxyStatusPerMin(), horizon, entries, t -> {
            int[] p = pair(r, nodes);
            return new Entry.ProxyStatus(t, p[0], p[1]);
        });
        poisson(r, mix.netConfigPerMin(), horizon, entries, t -> new Entry.UpdateNetworkConfig(t, r.nextInt(nodes)));
        poisson(r, mix.commitPerMin(), horizon, entries,
                t -> new Entry.OperatorCommit(t, r.nextInt(nodes), r.nextLong()));
        poisson(r, mix.crashPerMin(), horizon, entries,
                t -> new Entry.Crash(t, target(r, nodes, mix), between(r, FaultMix.DOWN_MIN_MS, mix.downMaxMs()),
                        crashPoint(r, mix)));
        poisson(r, mix.cpCrashPerMin(), horizon, entries,
                t -> new Entry.CrashControlPlane(t, between(r, CP_DOWN_MIN_MS, CP_DOWN_MAX_MS)));
        poisson(r, mix.partitionPerMin(), horizon, entries, t -> {
            int[] p = targetPair(r, nodes, mix);
            return new Entry.Partition(t, p[0], p[1], between(r, FaultMix.PARTITION_MIN_MS, mix.partitionMaxMs()));
        });
        poisson(r, mix.oneWayPerMin(), horizon, entries, t -> {
            int[] p = targetPair(r, nodes, mix);
            return new Entry.OneWayPartition(t, p[0], p[1],
                    between(r, FaultMix.PARTITION_MIN_MS, mix.partitionMaxMs()));
        });
        poisson(r, mix.isolatePerMin(), horizon, entries, t -> new Entry.Isolate(t, target(r, nodes, mix),
                between(r, FaultMix.PARTITION_MIN_MS, mix.partitionMaxMs())));
        poisson(r, mix.abortPerMin(), horizon, entries, t -> {
            int[] p = targetPair(r, nodes, mix);
            return new Entry.AbortConnection(t, p[0], p[1]);
        });
        poisson(r, mix.handlerExceptionPerMin(), horizon, entries, t -> {
            int[] p = targetPair(r, nodes, mix);
            return new Entry.HandlerException(t, p[0], p[1]);
        });
        poisson(r, mix.stallPerMin(), horizon, entries, t -> {
            int[] p = targetPair(r, nodes, mix);
            return new Entry.Stall(t, p[0], p[1], between(r, FaultMix.STALL_MIN_MS, mix.stallMaxMs()));
        });
        poisson(r, mix.freezePerMin(), horizon, entries, t -> new Entry.Freeze(t, target(r, nodes, mix),
                between(r, FaultMix.STALL_MIN_MS, mix.stallMaxMs())));
        StalledCoordinatorEpisodes.draw(r, profile, nodes, mix, entries);
        // Stable sort: entries at the same millisecond keep the order of the kinds above.
        entries.sort(Comparator.comparingLong(Entry::atMs));
        return new Schedule(nodes, mix, initial, threshold, entries);
    }

    private static Entry.CrashPoint crashPoint(SplittableRandom r, FaultMix mix) {
        if (r.nextInt(100) < mix.midStepCrashPercent()) {
            return r.nextInt(100) < mix.tornPercent() ? Entry.CrashPoint.TORN_PERSIST : Entry.CrashPoint.AFTER_PERSIST;
        }
        return r.nextInt(100) < mix.gracefulPercent() ? Entry.CrashPoint.GRACEFUL : Entry.CrashPoint.BETWEEN_EVENTS;
    }

    /** Event times of a Poisson process of {@code perMinute} over [FIRST_ENTRY_MS, horizon). */
    private static void poisson(SplittableRandom r, double perMinute, long horizon, List<Entry> out,
            LongFunction<Entry> make) {
        if (perMinute <= 0) {
            return;
        }
        double meanGapMs = MS_PER_MINUTE / perMinute;
        double t = FIRST_ENTRY_MS;
        while (true) {
            t += -Math.log(1.0 - r.nextDouble()) * meanGapMs;
            if (t >= horizon) {
                return;
            }
            out.add(make.apply((long) t));
        }
    }

    /** A node for a fault: the coordinator of the moment, or a random node. */
    private static int target(SplittableRandom r, int nodes, FaultMix mix) {
        return r.nextInt(100) < mix.coordinatorTargetPercent() ? Entry.COORDINATOR : r.nextInt(nodes);
    }

    /** Two distinct nodes for a fault; the first may be the coordinator of the moment. */
    private static int[] targetPair(SplittableRandom r, int nodes, FaultMix mix) {
        int[] p = pair(r, nodes);
        if (r.nextInt(100) < mix.coordinatorTargetPercent()) {
            p[0] = Entry.COORDINATOR;
        }
        return p;
    }

    private static int[] pair(SplittableRandom r, int nodes) {
        int a = r.nextInt(nodes);
        int b = r.nextInt(nodes - 1);
        if (b >= a) {
            b++;
        }
        return new int[] {a, b};
    }

    private static int between(SplittableRandom r, int lo, int hi) {
        return lo + r.nextInt(hi - lo + 1);
    }

    private static long between(SplittableRandom r, long lo, long hi) {
        return lo + r.nextLong(hi - lo + 1);
    }

    private static void shuffle(List<Integer> list, SplittableRandom r) {
        for (int i = list.size() - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            Integer tmp = list.get(i);
            list.set(i, list.get(j));
            list.set(j, tmp);
        }
    }
}
