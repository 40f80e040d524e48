package org.trustquorum.sim.view;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.trustquorum.sim.json.Json;

/**
 * The HTML summary of campaigns ({@code ./tq sim ... --report DIR}): one section per campaign
 * setting (profile, nodes, mutant) with its seeds, outcome counts, events, speed and wall time,
 * and every failure with its check, message, replay command and a link to its timeline page. The
 * sections live in {@code DIR/report.json}; a campaign replaces its own section and keeps the
 * others, so several profiles run into the same directory give one page
 * ({@code DIR/index.html}). Each shard of a sharded campaign ({@code --shard I/N}) has a section
 * of its own, so shards writing into one directory do not overwrite each other.
 */
public final class CampaignReport {
    public static final String INDEX = "index.html";
    public static final String DATA = "report.json";

    private CampaignReport() {}

    /** One failing seed; {@code timeline} is a file name in the report directory, or null. */
    public record Failure(String seed, String check, String message, String replay, String timeline) {}

    /** One campaign, or one shard of it ({@code shard} is {@code I/N}, or empty for a whole campaign). */
    public record Section(String profile, int nodes, String mutant, String firstSeed, long seeds, long passed,
            long failed, long events, long eventsPerSecond, double wallSeconds, int threads, List<Failure> failures,
            String shard) {
        public Section {
            failures = List.copyOf(failures);
            shard = shard == null ? "" : shard;
        }

        /** What a later campaign with the same setting (and shard) replaces. */
        public String key() {
            return profile + "/" + nodes + "/" + mutant + (shard.isEmpty() ? "" : "/shard-" + shard);
        }

        public String title() {
            return "profile " + profile + ", " + nodes + " nodes" + ("none".equals(mutant) ? "" : ", mutant " + mutant)
                    + (shard.isEmpty() ? "" : ", shard " + shard);
        }
    }

    /** The file name of a failing seed's timeline page in the report directory. */
    public static String timelineFile(String profile, int nodes, String mutant, String seed) {
        return "timeline-" + profile + "-" + nodes + "n" + ("none".equals(mutant) ? "" : "-" + mutant) + "-seed-" + seed
                + ".html";
    }

    /** Adds (or replaces) a section and rewrites the page; returns the page's path. */
    public static Path write(Path dir, Section section) {
        try {
            Files.createDirectories(dir);
            List<Section> sections = read(dir.resolve(DATA));
            boolean replaced = false;
            for (int i = 0; i < sections.size(); i++) {
                if (sections.get(i).key().equals(section.key())) {
                    sections.set(i, section);
                    replaced = true;
                }
            }
            if (!replaced) {
                sections.add(section);
            }
            List<Object> out = new ArrayList<>();
            for (Section s : sections) {
                out.add(toMap(s));
            }
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("sections", out);
            Files.writeString(dir.resolve(DATA), Json.write(root) + "\n", StandardCharsets.UTF_8);
            Path index = dir.resolve(INDEX);
            Files.writeString(index, html(sections), StandardCharsets.UTF_8);
            return index;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Section> read(Path data) throws IOException {
        List<Section> out = new ArrayList<>();
        if (!Files.exists(data)) {
            return out;
        }
        Object root;
        try {
            root = Json.parse(Files.readString(data, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return out; // not ours or damaged: start again
        }
        if (!(root instanceof Map<?, ?> m) || !(m.get("sections") instanceof List<?> list)) {
            return out;
        }
        for (Object o : list) {
            if (o instanceof Map<?, ?> s) {
                List<Failure> fs = new ArrayList<>();
                if (s.get("failures") instanceof List<?> fl) {
                    for (Object f : fl) {
                        if (f instanceof Map<?, ?> fm) {
                            fs.add(new Failure(str(fm.get("seed")), str(fm.get("check")), str(fm.get("message")),
                                    str(fm.get("replay")), (String) fm.get("timeline")));
                        }
                    }
                }
                out.add(new Section(str(s.get("profile")), (int) num(s.get("nodes")), str(s.get("mutant")),
                        str(s.get("firstSeed")), num(s.get("seeds")), num(s.get("passed")), num(s.get("failed")),
                        num(s.get("events")), num(s.get("eventsPerSecond")),
                        s.get("wallSeconds") instanceof Number n ? n.doubleValue() : 0, (int) num(s.get("threads")), fs,
                        s.get("shard") instanceof String sh ? sh : ""));
            }
        }
        return out;
    }

    private static String str(Object o) {
        return o == null ? "" : String.valueOf(o);
    }

    private static long num(Object o) {
        return o instanceof Number n ? n.longValue() : 0;
    }

    private static Map<String, Object> toMap(Section s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("profile", s.profile());
        m.put("nodes", (long) s.nodes());
        m.put("mutant", s.mutant());
        m.put("firstSeed", s.firstSeed());
        m.put("seeds", s.seeds());
        m.put("passed", s.passed());
        m.put("failed", s.failed());
        m.put("events", s.events());
        m.put("eventsPerSecond", s.eventsPerSecond());
        m.put("wallSeconds", s.wallSeconds());
        m.put("threads", (long) s.threads());
        m.put("shard", s.shard());
        List<Object> fs = new ArrayList<>();
        for (Failure f : s.failures()) {
            Map<String, Object> fm = new LinkedHashMap<>();
            fm.put("seed", f.seed());
            fm.put("check", f.check());
            fm.put("message", f.message());
            fm.put("replay", f.replay());
            fm.put("timeline", f.timeline());
            fs.add(fm);
        }
        m.put("failures", fs);
        return m;
    }

    static String html(List<Section> sections) {
        long seeds = 0;
        long failed = 0;
        for (Section s : sections) {
            seeds += s.seeds();
            failed += s.failed();
        }
        StringBuilder h = new StringBuilder();
        h.append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>tq simulator campaigns</title>\n<style>")
                .append("body{font:13px/1.4 ui-monospace,Menlo,Consolas,\"DejaVu Sans Mono\",monospace;margin:16px;color:#222}")
                .append("h1{font-size:18px}h2{font-size:15px;margin-top:24px;border-bottom:1px solid #ccc}")
                .append("table{border-collapse:collapse;margin:6px 0}td,th{border:1px solid #ddd;padding:2px 8px;text-align:left;vertical-align:top}")
                .append("th{background:#f0f0f0}td.n{text-align:right}.ok{color:#237a23}.bad{color:#b00000;font-weight:bold}")
                .append("code{background:#f3f3f3;padding:0 3px}td.check{white-space:nowrap}.muted{color:#888}</style></head><body>\n");
        h.append("<h1>tq simulator campaigns</h1>\n<p>").append(sections.size()).append(" campaign")
                .append(sections.size() == 1 ? "" : "s").append(", ").append(seeds).append(" seeds, ")
                .append(failed == 0 ? "<span class=\"ok\">all passed</span>" : "<span class=\"bad\">" + failed + " failed</span>")
                .append(".</p>\n<table><tr><th>campaign</th><th>seeds</th><th>passed</th><th>failed</th><th>events</th>")
                .append("<th>events/s</th><th>wall time</th></tr>\n");
        for (Section s : sections) {
            h.append("<tr><td><a href=\"#").append(anchor(s)).append("\">").append(esc(s.title())).append("</a></td>")
                    .append(cell(s.seeds())).append(cell(s.passed()))
                    .append("<td class=\"n").append(s.failed() > 0 ? " bad" : "").append("\">").append(s.failed()).append("</td>")
                    .append(cell(s.events())).append(cell(s.eventsPerSecond()))
                    .append("<td class=\"n\">").append(String.format(Locale.ROOT, "%.1f s", s.wallSeconds())).append("</td></tr>\n");
        }
        h.append("</table>\n");
        for (Section s : sections) {
            h.append("<h2 id=\"").append(anchor(s)).append("\">").append(esc(s.title())).append("</h2>\n<table>");
            row(h, "seeds", s.seeds() + " from " + s.firstSeed());
            row(h, "passed / failed", s.passed() + " / " + s.failed());
            row(h, "events", Long.toString(s.events()));
            row(h, "events/s", Long.toString(s.eventsPerSecond()));
            row(h, "wall time", String.format(Locale.ROOT, "%.3f s on %d threads", s.wallSeconds(), s.threads()));
            h.append("</table>\n");
            if (s.failures().isEmpty()) {
                h.append("<p class=\"ok\">every seed passed</p>\n");
                continue;
            }
            h.append("<table class=\"failures\"><tr><th>seed</th><th>check</th><th>message</th><th>replay</th><th>timeline</th></tr>\n");
            for (Failure f : s.failures()) {
                h.append("<tr><td>").append(esc(f.seed())).append("</td><td class=\"bad check\">").append(esc(f.check()))
                        .append("</td><td>").append(esc(f.message())).append("</td><td><code>").append(esc(f.replay()))
                        .append("</code></td><td>");
                if (f.timeline() != null) {
                    h.append("<a href=\"").append(esc(f.timeline())).append("\">timeline</a>");
                } else {
                    h.append("<span class=\"muted\">not written</span>");
                }
                h.append("</td></tr>\n");
            }
            h.append("</table>\n");
        }
        h.append("</body></html>\n");
        return h.toString();
    }

    private static String anchor(Section s) {
        return s.key().replaceAll("[^A-Za-z0-9]+", "-");
    }

    private static String cell(long v) {
        return "<td class=\"n\">" + v + "</td>";
    }

    private static void row(StringBuilder h, String k, String v) {
        h.append("<tr><th>").append(esc(k)).append("</th><td>").append(esc(v)).append("</td></tr>");
    }

    private static String esc(String s) {
        return TimelinePage.escape(s == null ? "" : s);
    }
}
