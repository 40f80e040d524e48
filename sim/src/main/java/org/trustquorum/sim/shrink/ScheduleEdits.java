package org.trustquorum.sim.shrink;

import java.util.ArrayList;
import java.util.List;
import org.trustquorum.sim.scenario.Entry;
import org.trustquorum.sim.scenario.ScenarioGenerator;
import org.trustquorum.sim.scenario.Schedule;

/**
 * Whole-schedule edits for shrinking: fewer nodes (renumbering what is left), a smaller initial
 * configuration, entries moved earlier. Each returns null when the edit would not give a valid
 * run (too few nodes or members, nothing to change).
 */
final class ScheduleEdits {
    /** Entries are never moved before this (the initial configuration goes first). */
    static final long EARLIEST_ENTRY_MS = ScenarioGenerator.FIRST_ENTRY_MS;
    /** A threshold is never below this. */
    static final int MIN_THRESHOLD = 2;

    private ScheduleEdits() {}

    /**
     * The schedule without the nodes {@code removed[i]}: the others keep their order and are
     * renumbered from 0; entries naming a removed node go; the initial configuration loses them
     * (its threshold capped below its size).
     */
    static Schedule withoutNodes(Schedule s, boolean[] removed) {
        int[] newIndex = new int[s.nodes()];
        int next = 0;
        for (int i = 0; i < s.nodes(); i++) {
            newIndex[i] = removed[i] ? EntryEdits.REMOVED : next++;
        }
        if (next == s.nodes() || next < Schedule.MIN_NODES) {
            return null;
        }
        List<Integer> initial = new ArrayList<>();
        for (int i : s.initialMembers()) {
            if (!removed[i]) {
                initial.add(newIndex[i]);
            }
        }
        if (initial.size() < Schedule.MIN_NODES) {
            return null;
        }
        List<Entry> entries = new ArrayList<>();
        for (Entry e : s.entries()) {
            Entry r = EntryEdits.renumber(e, newIndex);
            if (r != null) {
                entries.add(r);
            }
        }
        return new Schedule(next, s.mix(), initial, Math.min(s.initialThreshold(), initial.size() - 1), entries);
    }

    /** The schedule whose initial configuration is {@code members} with threshold {@code k}. */
    static Schedule withInitial(Schedule s, List<Integer> members, int k) {
        if (members.size() < Schedule.MIN_NODES || k < MIN_THRESHOLD || k >= members.size()
                || (members.equals(s.initialMembers()) && k == s.initialThreshold())) {
            return null;
        }
        return new Schedule(s.nodes(), s.mix(), members, k, s.entries());
    }

    /**
     * Entries {@code from} onwards moved {@code deltaMs} earlier, but not before the entry before
     * them (nor before {@link #EARLIEST_ENTRY_MS}): with {@code from} 0 the whole schedule is
     * pulled earlier, otherwise the gap before entry {@code from} closes.
     */
    static Schedule earlier(Schedule s, int from, long deltaMs) {
        List<Entry> es = s.entries();
        long floor = from == 0 ? EARLIEST_ENTRY_MS : es.get(from - 1).atMs();
        if (deltaMs <= 0 || es.get(from).atMs() <= floor) {
            return null;
        }
        List<Entry> moved = new ArrayList<>(es.subList(0, from));
        for (int i = from; i < es.size(); i++) {
            Entry e = es.get(i);
            moved.add(EntryEdits.at(e, Math.max(floor, e.atMs() - deltaMs)));
        }
        return s.withEntries(moved);
    }

    /** How far entry {@code i} can move earlier: to the entry before it, or to the earliest time. */
    static long gapBefore(Schedule s, int i) {
        long floor = i == 0 ? EARLIEST_ENTRY_MS : s.entries().get(i - 1).atMs();
        return Math.max(0, s.entries().get(i).atMs() - floor);
    }
}
