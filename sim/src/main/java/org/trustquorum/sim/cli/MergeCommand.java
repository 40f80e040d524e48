package org.trustquorum.sim.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.trustquorum.sim.json.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ./tq sim merge FILES...}: joins the {@code --json} summaries of the shards of one
 * campaign ({@code ./tq sim --shard I/N --json FILE}) into the whole campaign's summary and one
 * report section. Refuses files of different campaigns and a missing or repeated shard.
 */
@Command(name = "merge", mixinStandardHelpOptions = true,
        description = "Join the --json summaries of every shard of one campaign. Exit 0 iff every seed passed, "
                + "1 if one failed, 2 on a usage error or a bad or incomplete set of files.")
final class MergeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "The shards' --json summaries (any order).")
    List<Path> files;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the merged JSON summary.")
    Path json;

    @Option(names = "--report", paramLabel = "DIR",
            description = "Add the merged campaign's section (with timeline pages of failing seeds) to DIR/index.html.")
    Path report;

    @Option(names = "--report-timelines", defaultValue = "20", paramLabel = "N",
            description = "With --report: timeline pages for the first N failing seeds at most (default: ${DEFAULT-VALUE}).")
    int reportTimelines;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (reportTimelines < 0) {
            err.println("tq sim merge: --report-timelines must be 0 or more");
            return SimMain.EXIT_USAGE;
        }
        List<CampaignSummary> parts = new ArrayList<>();
        for (Path f : files) {
            try {
                parts.add(CampaignSummary.fromJson(Json.parse(Files.readString(f, StandardCharsets.UTF_8))));
            } catch (IOException | IllegalArgumentException e) {
                err.println("tq sim merge: " + f + ": not a shard summary of ./tq sim --json: " + e.getMessage());
                return SimMain.EXIT_USAGE;
            }
        }
        CampaignSummary merged;
        try {
            merged = CampaignSummary.merge(parts);
        } catch (IllegalArgumentException e) {
            err.println("tq sim merge: " + e.getMessage());
            return SimMain.EXIT_USAGE;
        }
        CampaignSummary.Setting c = merged.campaign();
        out.println("tq sim merge: " + parts.size() + " shard" + (parts.size() == 1 ? "" : "s") + ", "
                + merged.seeds() + " seeds from " + Long.toUnsignedString(c.firstSeed()) + ", "
                + SimMain.describeOptions(c.nodes(), c.faults(), c.mutant()));
        for (CampaignSummary.Failure f : merged.failures()) {
            out.println("FAILED seed " + Long.toUnsignedString(f.seed()) + ": " + f.check());
            out.println("  replay:  " + merged.replayCommand(f));
        }
        CampaignOutputs.write(merged, json, report, reportTimelines, out);
        out.println(merged.seeds() + " seeds: " + merged.passed() + " passed, " + merged.failures().size()
                + " failed (" + merged.events() + " events, digest " + merged.digest() + ")");
        out.flush();
        return merged.failures().isEmpty() ? SimMain.EXIT_OK : SimMain.EXIT_FAILED;
    }
}
