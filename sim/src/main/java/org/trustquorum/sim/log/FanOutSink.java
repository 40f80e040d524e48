package org.trustquorum.sim.log;

import java.util.List;

/** Sends every event to several sinks. */
public final class FanOutSink implements EventSink {
    private final List<EventSink> sinks;

    public FanOutSink(List<EventSink> sinks) {
        this.sinks = List.copyOf(sinks);
    }

    @Override
    public void event(long atMs, String kind, Object... fields) {
        for (EventSink s : sinks) {
            s.event(atMs, kind, fields);
        }
    }

    @Override
    public void close() {
        for (EventSink s : sinks) {
            s.close();
        }
    }
}
