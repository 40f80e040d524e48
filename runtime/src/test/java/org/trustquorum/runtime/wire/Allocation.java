package org.trustquorum.runtime.wire;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;

/** Measures heap bytes allocated by the current thread (HotSpot's ThreadMXBean extension). */
final class Allocation {
    private Allocation() {}

    interface Action {
        void run() throws Exception;
    }

    private static final com.sun.management.ThreadMXBean BEAN =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** Runs the action (its exceptions are swallowed; assert them separately) and returns the bytes it allocated. */
    static long allocatedBy(Action action) {
        assertTrue(BEAN.isThreadAllocatedMemorySupported(), "this JVM cannot measure allocation");
        if (!BEAN.isThreadAllocatedMemoryEnabled()) {
            BEAN.setThreadAllocatedMemoryEnabled(true);
        }
        long tid = Thread.currentThread().threadId();
        long before = BEAN.getThreadAllocatedBytes(tid);
        try {
            action.run();
        } catch (Exception expected) {
            // the caller checks the failure itself
        }
        return BEAN.getThreadAllocatedBytes(tid) - before;
    }
}
