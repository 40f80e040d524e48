package org.trustquorum.sim.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.trustquorum.sim.RunSpec;
import org.trustquorum.sim.json.Json;
import org.trustquorum.sim.view.CampaignReport;
import org.trustquorum.sim.view.Recorder;
import org.trustquorum.sim.view.Recording;
import org.trustquorum.sim.view.TimelinePage;

/** Writes a campaign's {@code --json} summary and its {@code --report} section (of a run or of merged shards). */
final class CampaignOutputs {
    private CampaignOutputs() {}

    /** Writes what was asked for: the JSON summary if {@code json} is set, the report section if {@code report} is. */
    static void write(CampaignSummary s, Path json, Path report, int timelines, PrintWriter out) {
        if (json != null) {
            writeJson(s, json);
        }
        if (report != null) {
            writeReport(s, report, timelines, out);
        }
    }

    static void writeJson(CampaignSummary s, Path file) {
        try {
            Files.writeString(file, Json.write(s.toJson()) + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Adds the campaign's section to the report in {@code dir}, with a timeline page for each of the
     * first {@code timelines} failing seeds (re-run here; each must reproduce its digest).
     */
    static void writeReport(CampaignSummary s, Path dir, int timelines, PrintWriter out) {
        CampaignSummary.Setting c = s.campaign();
        List<CampaignReport.Failure> fs = new ArrayList<>();
        int pages = 0;
        for (CampaignSummary.Failure f : s.failures()) {
            String seed = Long.toUnsignedString(f.seed());
            String page = null;
            if (pages < timelines) {
                page = CampaignReport.timelineFile(c.faults().cliName(), c.nodes(), c.mutant().cliName(), seed);
                try {
                    Files.createDirectories(dir);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                Recording rec = Recorder.record(RunSpec.generate(f.seed(), c.nodes(), c.faults(), c.mutant()));
                if (!rec.result().digest().equals(f.digest())) {
                    throw new IllegalStateException("seed " + seed + " did not replay to the same digest");
                }
                TimelinePage.write(rec, s.replayCommand(f), dir.resolve(page));
                pages++;
            }
            fs.add(new CampaignReport.Failure(seed, f.check(), f.message(), s.replayCommand(f), page));
        }
        var section = new CampaignReport.Section(c.faults().cliName(), c.nodes(), c.mutant().cliName(),
                Long.toUnsignedString(s.firstSeed()), s.seeds(), s.passed(), s.failures().size(), s.events(),
                s.eventsPerSecond(), Math.round(s.wallSeconds() * 1000) / 1000.0, s.threads(), fs,
                s.shard().isWhole() ? "" : s.shard().toString());
        Path index = CampaignReport.write(dir, section);
        out.println("report: " + index + (pages > 0 ? " (" + pages + " timeline page" + (pages == 1 ? "" : "s")
                + ")" : ""));
    }
}
