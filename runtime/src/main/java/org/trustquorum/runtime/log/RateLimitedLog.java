package org.trustquorum.runtime.log;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;

/**
 * Logs events of a kind a hostile client can provoke at will (failed handshakes, stalled
 * connections) without letting it flood the log: at most {@link #MAX_LINES_PER_WINDOW} lines per
 * {@link #WINDOW_MS}; every event beyond that is counted by cause, and the first event after the
 * window ends writes one summary line with those counts (a timer asks for it, so the summary
 * comes even if the flood stops). So every event appears in the log exactly once: in a line of its
 * own or in a summary's count.
 *
 * <p>Not thread-safe: use it from one event loop.
 *
 * @param <C> the causes, as an enum
 */
public final class RateLimitedLog<C extends Enum<C>> {
    /** Length of a window. */
    public static final long WINDOW_MS = 10_000;
    /** Lines of their own allowed per window; the rest go into the summary. */
    public static final int MAX_LINES_PER_WINDOW = 10;

    private final Logger log;
    private final String what;
    private final LongSupplier clockMs;
    private final Scheduler scheduler;
    private final Map<C, Long> suppressed;
    private long windowStartMs;
    private int linesInWindow;

    /** Runs an action after a delay (on the caller's event loop). */
    @FunctionalInterface
    public interface Scheduler {
        void after(long delayMs, Runnable action);
    }

    /**
     * @param what      what the events are, for the summary ("TLS handshake failures")
     * @param clockMs   a monotonic clock in milliseconds
     * @param scheduler runs the summary at the end of a window in which events were counted
     */
    public RateLimitedLog(Logger log, Class<C> causes, String what, LongSupplier clockMs, Scheduler scheduler) {
        this.log = log;
        this.what = what;
        this.clockMs = clockMs;
        this.scheduler = scheduler;
        this.suppressed = new EnumMap<>(causes);
        this.windowStartMs = clockMs.getAsLong();
    }

    /** Logs one event at WARN (or counts it for the summary if this window's lines are used up). */
    public void warn(C cause, String format, Object... args) {
        long now = clockMs.getAsLong();
        if (now - windowStartMs >= WINDOW_MS) {
            flush();
            windowStartMs = now;
            linesInWindow = 0;
        }
        if (linesInWindow < MAX_LINES_PER_WINDOW) {
            linesInWindow++;
            log.warn(format, args);
        } else {
            if (suppressed.isEmpty()) {
                scheduler.after(windowStartMs + WINDOW_MS - now, this::flushIfWindowEnded);
            }
            suppressed.merge(cause, 1L, Long::sum);
        }
    }

    private void flushIfWindowEnded() {
        long left = windowStartMs + WINDOW_MS - clockMs.getAsLong();
        if (left <= 0) {
            flush();
        } else if (!suppressed.isEmpty()) {
            scheduler.after(left, this::flushIfWindowEnded);
        }
    }

    /** Writes the summary of the events counted but not logged so far, if any. */
    public void flush() {
        if (suppressed.isEmpty()) {
            return;
        }
        long total = suppressed.values().stream().mapToLong(Long::longValue).sum();
        String byCause = suppressed.entrySet().stream()
                .map(e -> e.getKey().name().toLowerCase(Locale.ROOT) + " " + e.getValue())
                .collect(Collectors.joining(", "));
        log.warn("{} more {} in the last {} ms, not logged one by one: {}", total, what, WINDOW_MS, byCause);
        suppressed.clear();
    }

    /** Events counted for the next summary (tests). */
    public long pending() {
        return suppressed.values().stream().mapToLong(Long::longValue).sum();
    }
}
