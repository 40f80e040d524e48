package org.trustquorum.core.engine;

import java.util.Arrays;
import java.util.List;
import java.util.function.ToLongFunction;
import org.trustquorum.core.Check;

/**
 * An ordered index of timers: a binary min-heap of entries keyed by the time they are next due,
 * so the earliest deadline is found without looking at every entry.
 *
 * <p>Keys are allowed to be stale on the early side: an owner whose entry's deadline moved
 * <em>later</em> (a frame arrived, so the inactivity timeout moved) need not tell the index; the
 * index asks {@code dueMs} for the true deadline of the top entry before it answers, and moves the
 * entry down if its key was stale. An owner whose entry's deadline moved <em>earlier</em>, or
 * became finite, must call {@link #update}. {@code dueMs} returns {@link #NONE} for an entry with
 * nothing to do; such an entry leaves the index.
 *
 * <p>Each entry remembers its own position, so updates and removals cost O(log n) and allocate
 * nothing.
 *
 * @param <E> the entry type
 */
final class TimerIndex<E extends TimerIndex.Entry> {
    /** The deadline of an entry with nothing to do. */
    static final long NONE = Long.MAX_VALUE;
    private static final int INITIAL_CAPACITY = 8;
    private static final int NOT_INDEXED = -1;

    /** Base of an indexed object: its key and its position in the heap. */
    abstract static class Entry {
        long keyMs;
        int slot = NOT_INDEXED;

        /** True while the entry is in an index. */
        final boolean indexed() {
            return slot != NOT_INDEXED;
        }

        /** The key it is indexed under (at most its true deadline); meaningless when not indexed. */
        final long keyMs() {
            return keyMs;
        }
    }

    private final ToLongFunction<E> dueMs;
    private Entry[] heap = new Entry[INITIAL_CAPACITY];
    private int size;

    /** {@code dueMs}: the entry's true next deadline, or {@link #NONE}. */
    TimerIndex(ToLongFunction<E> dueMs) {
        this.dueMs = Check.notNull(dueMs, "dueMs");
    }

    /** Re-keys {@code e} at its true deadline: adds, moves or removes it. */
    void update(E e) {
        long key = dueMs.applyAsLong(e);
        if (key == NONE) {
            remove(e);
            return;
        }
        if (!e.indexed()) {
            if (size == heap.length) {
                heap = Arrays.copyOf(heap, size * 2);
            }
            e.keyMs = key;
            e.slot = size;
            heap[size++] = e;
            siftUp(e.slot);
            return;
        }
        long old = e.keyMs;
        e.keyMs = key;
        if (key < old) {
            siftUp(e.slot);
        } else if (key > old) {
            siftDown(e.slot);
        }
    }

    /** Takes {@code e} out of the index (nothing happens if it is not in it). */
    void remove(E e) {
        int i = e.slot;
        if (i == NOT_INDEXED) {
            return;
        }
        Check.state(i < size && heap[i] == e, "timer entry is in another index");
        e.slot = NOT_INDEXED;
        Entry last = heap[--size];
        heap[size] = null;
        if (i < size) {
            heap[i] = last;
            last.slot = i;
            siftDown(i);
            siftUp(last.slot);
        }
    }

    /** Empties the index. */
    void clear() {
        for (int i = 0; i < size; i++) {
            heap[i].slot = NOT_INDEXED;
            heap[i] = null;
        }
        size = 0;
    }

    /** The earliest true deadline of any entry, or {@link #NONE}. */
    long nextMs() {
        while (size > 0) {
            @SuppressWarnings("unchecked")
            E top = (E) heap[0];
            long due = dueMs.applyAsLong(top);
            if (due == top.keyMs) {
                return due;
            }
            update(top);
        }
        return NONE;
    }

    /**
     * Moves every entry due at or before {@code nowMs} out of the index into {@code out} (in no
     * particular order). The caller re-indexes the ones that stay, with {@link #update}.
     */
    void takeDue(long nowMs, List<E> out) {
        // NONE is a real long: without the comparison to it, nowMs == Long.MAX_VALUE would take from an empty heap.
        for (long next = nextMs(); next != NONE && next <= nowMs; next = nextMs()) {
            @SuppressWarnings("unchecked")
            E top = (E) heap[0];
            remove(top);
            out.add(top);
        }
    }

    int size() {
        return size;
    }

    private void siftUp(int i) {
        Entry e = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            Entry p = heap[parent];
            if (p.keyMs <= e.keyMs) {
                break;
            }
            heap[i] = p;
            p.slot = i;
            i = parent;
        }
        heap[i] = e;
        e.slot = i;
    }

    private void siftDown(int i) {
        Entry e = heap[i];
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int right = child + 1;
            if (right < size && heap[right].keyMs < heap[child].keyMs) {
                child = right;
            }
            Entry c = heap[child];
            if (e.keyMs <= c.keyMs) {
                break;
            }
            heap[i] = c;
            c.slot = i;
            i = child;
        }
        heap[i] = e;
        e.slot = i;
    }
}
