package org.trustquorum.sim.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;

/** One line per event: {@code <time ms> <kind> name=value ...}. */
public final class TextSink implements EventSink {
    private final Writer out;
    private final StringBuilder line = new StringBuilder(160);

    public TextSink(Writer out) {
        this.out = out;
    }

    @Override
    public void event(long atMs, String kind, Object... fields) {
        line.setLength(0);
        line.append(atMs).append(' ').append(kind);
        for (int i = 0; i + 1 < fields.length; i += 2) {
            line.append(' ').append(fields[i]).append('=');
            Object v = fields[i + 1];
            String s = String.valueOf(v);
            if (s.indexOf(' ') >= 0) {
                line.append('"').append(s).append('"');
            } else {
                line.append(s);
            }
        }
        line.append('\n');
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
