package org.trustquorum.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The ordered timer index: earliest deadline first, stale-late keys corrected, the far end of time. */
class TimerIndexTest {

    /** A timer whose deadline the test moves at will. */
    private static final class T extends TimerIndex.Entry {
        final String name;
        long due;

        T(String name, long due) {
            this.name = name;
            this.due = due;
        }

        @Override
        public String toString() {
            return name + "@" + due;
        }
    }

    private final TimerIndex<T> index = new TimerIndex<>(t -> t.due);

    private List<String> takeDue(long nowMs) {
        List<T> out = new ArrayList<>();
        index.takeDue(nowMs, out);
        out.sort(Comparator.comparing((T t) -> t.name));
        return out.stream().map(t -> t.name).toList();
    }

    @Test
    void theEarliestDeadlineIsNextAndOnlyDueEntriesAreTaken() {
        T a = new T("a", 30);
        T b = new T("b", 10);
        T c = new T("c", 20);
        index.update(a);
        index.update(b);
        index.update(c);
        assertEquals(10, index.nextMs());
        assertEquals(List.of("b", "c"), takeDue(20));
        assertFalse(b.indexed());
        assertTrue(a.indexed());
        assertEquals(30, index.nextMs());
    }

    @Test
    void aDeadlineThatMovedLaterIsFoundWithoutAnUpdate() {
        T a = new T("a", 10);
        T b = new T("b", 15);
        index.update(a);
        index.update(b);
        a.due = 40; // a frame arrived: the owner does not tell the index
        assertEquals(15, index.nextMs());
        assertEquals(List.of("b"), takeDue(20));
        a.due = TimerIndex.NONE; // nothing left to do: the entry leaves
        assertEquals(TimerIndex.NONE, index.nextMs());
        assertEquals(0, index.size());
    }

    @Test
    void theLastPossibleInstantTakesEveryEntryAndThenStops() {
        index.update(new T("a", 5));
        index.update(new T("b", Long.MAX_VALUE - 1));
        assertEquals(List.of("a", "b"), takeDue(Long.MAX_VALUE));
        assertEquals(List.of(), takeDue(Long.MAX_VALUE), "an empty index at the end of time gives nothing");
        T stale = new T("stale", 7);
        index.update(stale);
        stale.due = TimerIndex.NONE;
        assertEquals(List.of(), takeDue(Long.MAX_VALUE), "an entry with nothing to do is dropped, not taken");
    }

    @Test
    void randomUpdatesAndRemovalsAgreeWithAScan() {
        SplittableRandom rng = new SplittableRandom(5);
        List<T> all = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            all.add(new T("t" + i, TimerIndex.NONE));
        }
        for (int round = 0; round < 2_000; round++) {
            T t = all.get(rng.nextInt(all.size()));
            switch (rng.nextInt(3)) {
                case 0 -> {
                    t.due = rng.nextLong(1_000);
                    index.update(t);
                }
                case 1 -> {
                    t.due = TimerIndex.NONE;
                    index.remove(t);
                }
                default -> {
                    if (t.due != TimerIndex.NONE) {
                        t.due += rng.nextLong(50); // later, untold
                    }
                }
            }
            long scan = all.stream().filter(TimerIndex.Entry::indexed).mapToLong(x -> x.due).min()
                    .orElse(TimerIndex.NONE);
            assertEquals(scan, index.nextMs(), "round " + round);
        }
    }
}
