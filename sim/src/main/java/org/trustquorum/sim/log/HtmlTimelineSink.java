package org.trustquorum.sim.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;

/**
 * A self-contained HTML timeline of one run: one row per event, one column per node plus one for
 * the control plane and the scenario; a filter box hides rows that do not match. Meant for
 * `./tq replay --timeline FILE.html` on a shrunk run (it holds every event in memory).
 */
public final class HtmlTimelineSink implements EventSink {
    /** Rows beyond this are dropped (the page says so); a shrunk run is far smaller. */
    public static final int MAX_ROWS = 200_000;

    private record Row(long atMs, String kind, int column, String text) {}

    private final Writer out;
    private final int nodes;
    private final List<Row> rows = new ArrayList<>();
    private long dropped;

    public HtmlTimelineSink(Writer out, int nodes) {
        this.out = out;
        this.nodes = nodes;
    }

    @Override
    public void event(long atMs, String kind, Object... fields) {
        if (rows.size() >= MAX_ROWS) {
            dropped++;
            return;
        }
        int column = nodes;
        StringBuilder text = new StringBuilder(kind);
        for (int i = 0; i + 1 < fields.length; i += 2) {
            String name = String.valueOf(fields[i]);
            Object v = fields[i + 1];
            if (name.equals("node") && v instanceof String s && s.length() == 3 && s.charAt(0) == 'n') {
                column = Integer.parseInt(s.substring(1));
                continue;
            }
            if (v != null) {
                text.append(' ').append(name).append('=').append(v);
            }
        }
        rows.add(new Row(atMs, kind, column, text.toString()));
    }

    @Override
    public void close() {
        try {
            out.write("<!doctype html><html><head><meta charset=\"utf-8\"><title>tq simulator timeline</title>\n"
                    + "<style>body{font:12px monospace;margin:8px}table{border-collapse:collapse}"
                    + "td,th{border:1px solid #ddd;padding:2px 4px;vertical-align:top;white-space:nowrap}"
                    + "th{position:sticky;top:0;background:#eee}.t{color:#888;text-align:right}"
                    + ".violation{background:#fbb}.crash,.cp-crash{background:#fdd}.restart,.boot,.cp-restart{background:#dfd}"
                    + ".send,.recv,.step{color:#555}.persist{background:#eef}.close,.exited,.lost{background:#ffe}"
                    + ".heal,.converged{background:#cfc}.entry{background:#eee}body.quiet .noise{display:none}"
                    + "</style></head><body class=\"quiet\">\n"
                    + "<p><label><input type=\"checkbox\" id=\"q\" checked> hide pings, flushes and timers</label> "
                    + "Filter: <input id=\"f\" size=\"60\" placeholder=\"text to match, e.g. n03 or Prepare\">"
                    + (dropped > 0 ? " (" + dropped + " events beyond " + MAX_ROWS + " not shown)" : "")
                    + "</p>\n<table id=\"tl\"><thead><tr><th>ms</th>");
            for (int i = 0; i < nodes; i++) {
                out.write("<th>n" + (i < 10 ? "0" : "") + i + "</th>");
            }
            out.write("<th>control plane, scenario</th></tr></thead><tbody>\n");
            for (Row r : rows) {
                String noise = isNoise(r) ? " noise" : "";
                out.write("<tr class=\"" + escape(r.kind) + noise + "\"><td class=\"t\">" + r.atMs + "</td>");
                for (int i = 0; i <= nodes; i++) {
                    out.write(i == r.column ? "<td>" + escape(r.text) + "</td>" : "<td></td>");
                }
                out.write("</tr>\n");
            }
            out.write("</tbody></table>\n<script>document.getElementById('f').addEventListener('input',e=>{"
                    + "const q=e.target.value.toLowerCase();for(const tr of document.querySelectorAll('#tl tbody tr'))"
                    + "tr.style.display=!q||tr.textContent.toLowerCase().includes(q)?'':'none';});"
                    + "document.getElementById('q').addEventListener('change',e=>"
                    + "document.body.classList.toggle('quiet',e.target.checked));</script>"
                    + "</body></html>\n");
            out.flush();
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Keepalive traffic and bookkeeping steps, hidden by default. */
    private static boolean isNoise(Row r) {
        return r.text.contains("msg=Ping") || r.text.contains("Ping\"") || r.text.contains("input=flushed")
                || r.text.contains("input=timer") || r.text.endsWith(" Ping") || r.text.contains("input=frame inc")
                        && r.text.contains(" Ping ");
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
