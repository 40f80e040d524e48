package org.trustquorum.sim.shrink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.trustquorum.core.engine.EngineLimits;
import org.trustquorum.sim.scenario.Entry;
import org.trustquorum.sim.scenario.FaultMix;
import org.trustquorum.sim.scenario.Schedule;

/** The schedule edits shrinking is built from: fewer nodes, earlier entries, fault kinds off or milder. */
class ScheduleEditsTest {

    private static Schedule fiveNodes(List<Entry> entries) {
        FaultMix.Builder b = FaultMix.quiet(60_000);
        b.crashPerMin = 2.0;
        b.slowExitPercent = 30;
        b.queueCapacityFrames = 8;
        return new Schedule(5, b.build(), List.of(0, 1, 2, 4), 3, entries);
    }

    @Test
    void removingANodeDropsItsEntriesAndRenumbersTheRest() {
        Schedule s = fiveNodes(List.of(
                new Entry.Crash(1_000, 1, 500, Entry.CrashPoint.BETWEEN_EVENTS),
                new Entry.Partition(2_000, 3, 4, 700),
                new Entry.Freeze(3_000, Entry.COORDINATOR, 900),
                new Entry.ReconfigureTo(4_000, 0b11110, 3),
                new Entry.ProxyStatus(5_000, 4, 1)));
        Schedule t = ScheduleEdits.withoutNodes(s, new boolean[] {false, true, false, false, false});
        assertEquals(4, t.nodes());
        assertEquals(List.of(0, 1, 3), t.initialMembers(), "initial members renumbered");
        assertEquals(2, t.initialThreshold(), "the threshold stays below the configuration's size");
        assertEquals(List.of(
                new Entry.Partition(2_000, 2, 3, 700),
                new Entry.Freeze(3_000, Entry.COORDINATOR, 900),
                new Entry.ReconfigureTo(4_000, 0b1110, 2)), t.entries(), "a scripted configuration keeps its threshold below its size");
    }

    @Test
    void nodeRemovalThatLeavesTooFewNodesOrMembersIsRefused() {
        Schedule s = fiveNodes(List.of());
        assertNull(ScheduleEdits.withoutNodes(s, new boolean[] {true, true, true, false, false}), "two nodes left");
        assertNull(ScheduleEdits.withoutNodes(s, new boolean[] {true, true, false, false, false}),
                "two initial members left");
        assertNull(ScheduleEdits.withoutNodes(s, new boolean[5]), "nothing removed");
    }

    @Test
    void entriesArePulledEarlierAndGapsCloseWithoutReordering() {
        Schedule s = fiveNodes(List.of(new Entry.AbortConnection(10_000, 0, 1), new Entry.AbortConnection(30_000, 1, 2),
                new Entry.AbortConnection(31_000, 2, 0)));
        assertEquals(9_500, ScheduleEdits.gapBefore(s, 0));
        Schedule pulled = ScheduleEdits.earlier(s, 0, 9_500);
        assertEquals(List.of(500L, 20_500L, 21_500L), pulled.entries().stream().map(Entry::atMs).toList());
        Schedule closed = ScheduleEdits.earlier(pulled, 1, ScheduleEdits.gapBefore(pulled, 1));
        assertEquals(List.of(500L, 500L, 1_500L), closed.entries().stream().map(Entry::atMs).toList());
        assertNull(ScheduleEdits.earlier(closed, 1, 100), "no gap left to close");
    }

    @Test
    void theInitialConfigurationShrinksOnlyToAValidOne() {
        Schedule s = fiveNodes(List.of());
        assertEquals(List.of(0, 1, 2), ScheduleEdits.withInitial(s, List.of(0, 1, 2), 2).initialMembers());
        assertNull(ScheduleEdits.withInitial(s, List.of(0, 1), 1), "too few members");
        assertNull(ScheduleEdits.withInitial(s, List.of(0, 1, 2), 3), "threshold must be below the size");
        assertNull(ScheduleEdits.withInitial(s, s.initialMembers(), s.initialThreshold()), "no change");
    }

    @Test
    void aFaultKindGoesOffOrMilderTogetherWithItsRate() {
        Schedule s = fiveNodes(List.of(new Entry.Crash(1_000, 1, 500, Entry.CrashPoint.BETWEEN_EVENTS),
                new Entry.LoadSecret(1_500, 2, false),
                new Entry.Crash(2_000, 2, 500, Entry.CrashPoint.BETWEEN_EVENTS),
                new Entry.Crash(3_000, 3, 500, Entry.CrashPoint.BETWEEN_EVENTS)));
        assertEquals(List.of("crash", "slow-exit", "small-queue"), FaultKind.activeLabels(s));

        Schedule milder = FaultKind.CRASH.milder(s);
        assertEquals(List.of(1_000L, 1_500L, 3_000L), milder.entries().stream().map(Entry::atMs).toList());
        assertEquals(1.0, milder.mix().crashPerMin());
        Schedule off = FaultKind.CRASH.off(s);
        assertEquals(List.of(new Entry.LoadSecret(1_500, 2, false)), off.entries());
        assertEquals(0.0, off.mix().crashPerMin());
        assertFalse(FaultKind.CRASH.active(off));

        assertEquals(15, FaultKind.SLOW_EXIT.milder(s).mix().slowExitPercent());
        assertEquals(0, FaultKind.SLOW_EXIT.off(s).mix().slowExitPercent());
        assertEquals(16, FaultKind.SMALL_QUEUE.milder(s).mix().queueCapacityFrames(), "a bound grows toward production's");
        Schedule queueOff = FaultKind.SMALL_QUEUE.off(s);
        assertEquals(EngineLimits.OUTBOUND_QUEUE_CAPACITY_FRAMES, queueOff.mix().queueCapacityFrames());
        assertNull(FaultKind.SMALL_QUEUE.milder(queueOff), "nothing milder than off");
        assertEquals(s.mix().slowExitPercent(), queueOff.mix().slowExitPercent(), "the rest of the mix is untouched");
        assertEquals(s.mix().crashPerMin(), queueOff.mix().crashPerMin());
        assertEquals(s.entries(), queueOff.entries());
    }

    @Test
    void runsAreOrderedByEventsThenEntriesThenVirtualTime() {
        RunSize a = new RunSize(100, 8, 9, List.of("crash"), 50_000, 60_000);
        assertTrue(new RunSize(99, 8, 50, List.of("crash", "stall"), 90_000, 90_000).compareTo(a) < 0);
        assertTrue(new RunSize(100, 8, 8, List.of("crash"), 90_000, 90_000).compareTo(a) < 0);
        assertTrue(new RunSize(100, 8, 9, List.of("crash"), 49_999, 90_000).compareTo(a) < 0);
        assertTrue(new RunSize(100, 8, 9, List.of("crash"), 50_000, 50_001).compareTo(a) < 0,
                "a shorter safety phase breaks a tie");
        assertTrue(new RunSize(100, 3, 9, List.of("crash", "stall"), 50_000, 60_000).compareTo(a) > 0,
                "then fewer fault kinds before fewer nodes");
    }
}
