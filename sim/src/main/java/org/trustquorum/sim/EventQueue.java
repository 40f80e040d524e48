package org.trustquorum.sim;

import java.util.Arrays;

/**
 * A binary min-heap of events ordered by (time, sequence number): ties go in scheduling order.
 * Keys live in primitive arrays beside the events, so sifting compares without touching the
 * event objects.
 */
final class EventQueue {
    private static final int INITIAL_CAPACITY = 1 << 10;
    private long[] at = new long[INITIAL_CAPACITY];
    private long[] seq = new long[INITIAL_CAPACITY];
    private Ev[] items = new Ev[INITIAL_CAPACITY];
    private int size;
    private long nextSeq;

    void add(Ev e) {
        long t = e.at;
        long s = nextSeq++;
        e.seq = s;
        if (size == items.length) {
            int cap = size * 2;
            at = Arrays.copyOf(at, cap);
            seq = Arrays.copyOf(seq, cap);
            items = Arrays.copyOf(items, cap);
        }
        int i = size++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            long pt = at[parent];
            if (pt < t || (pt == t && seq[parent] < s)) {
                break;
            }
            at[i] = pt;
            seq[i] = seq[parent];
            items[i] = items[parent];
            i = parent;
        }
        at[i] = t;
        seq[i] = s;
        items[i] = e;
    }

    Ev poll() {
        if (size == 0) {
            return null;
        }
        Ev top = items[0];
        int n = --size;
        long lt = at[n];
        long ls = seq[n];
        Ev last = items[n];
        items[n] = null;
        if (n > 0) {
            int i = 0;
            int half = n >>> 1;
            while (i < half) {
                int child = 2 * i + 1;
                int right = child + 1;
                if (right < n && (at[right] < at[child] || (at[right] == at[child] && seq[right] < seq[child]))) {
                    child = right;
                }
                long ct = at[child];
                if (lt < ct || (lt == ct && ls < seq[child])) {
                    break;
                }
                at[i] = ct;
                seq[i] = seq[child];
                items[i] = items[child];
                i = child;
            }
            at[i] = lt;
            seq[i] = ls;
            items[i] = last;
        }
        return top;
    }

    int size() {
        return size;
    }
}
