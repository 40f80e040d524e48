package org.trustquorum.sim;

import java.util.Arrays;

/** A binary min-heap of events ordered by (time, sequence number): ties go in scheduling order. */
final class EventQueue {
    private static final int INITIAL_CAPACITY = 1 << 10;
    private Ev[] heap = new Ev[INITIAL_CAPACITY];
    private int size;
    private long nextSeq;

    void add(Ev e) {
        e.seq = nextSeq++;
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        int i = size++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            Ev p = heap[parent];
            if (!before(e, p)) {
                break;
            }
            heap[i] = p;
            i = parent;
        }
        heap[i] = e;
    }

    Ev poll() {
        if (size == 0) {
            return null;
        }
        Ev top = heap[0];
        Ev last = heap[--size];
        heap[size] = null;
        if (size > 0) {
            int i = 0;
            int half = size >>> 1;
            while (i < half) {
                int child = 2 * i + 1;
                Ev c = heap[child];
                int right = child + 1;
                if (right < size && before(heap[right], c)) {
                    child = right;
                    c = heap[child];
                }
                if (!before(c, last)) {
                    break;
                }
                heap[i] = c;
                i = child;
            }
            heap[i] = last;
        }
        return top;
    }

    int size() {
        return size;
    }

    private static boolean before(Ev a, Ev b) {
        return a.at < b.at || (a.at == b.at && a.seq < b.seq);
    }
}
