package org.trustquorum.sim.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import org.trustquorum.sim.json.Json;

/** One JSON object per line: {@code {"t":<ms>,"kind":"...", <fields>}}. The trace format of docs/SIMULATOR.md. */
public final class JsonlSink implements EventSink {
    private final Writer out;
    private final StringBuilder line = new StringBuilder(200);

    public JsonlSink(Writer out) {
        this.out = out;
    }

    @Override
    public void event(long atMs, String kind, Object... fields) {
        line.setLength(0);
        line.append("{\"t\":").append(atMs).append(",\"kind\":");
        Json.quote(line, kind);
        for (int i = 0; i + 1 < fields.length; i += 2) {
            line.append(',');
            Json.quote(line, String.valueOf(fields[i]));
            line.append(':');
            Json.value(line, fields[i + 1]);
        }
        line.append("}\n");
        try {
            out.append(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            out.flush();
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
