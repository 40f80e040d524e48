package org.trustquorum.sim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trustquorum.sim.json.Json;

/** {@code ./tq sim --shard I/N} and {@code ./tq sim merge}: shards of a campaign add up to the campaign. */
class ShardMergeTest {
    private static final int SHARDS = 4;
    private static final String SEEDS = "16";
    /** A mutant that fails some seeds and passes others, so the failing seeds are compared too. */
    private static final String MUTANT = "apply-stale-exit";

    @Test
    void fourMergedShardsEqualTheUnshardedCampaign(@TempDir Path dir) throws Exception {
        Path whole = dir.resolve("whole.json");
        CliTest.Ran w = CliTest.run("sim", "--seeds", SEEDS, "--first-seed", "5", "--mutant", MUTANT, "--json",
                whole.toString());
        assertEquals(1, w.exit(), w.out() + w.err());
        List<String> files = new ArrayList<>(List.of("sim", "merge"));
        for (int i = SHARDS - 1; i >= 0; i--) { // any order
            Path f = dir.resolve("shard-" + i + ".json");
            CliTest.Ran s = CliTest.run("sim", "--seeds", SEEDS, "--first-seed", "5", "--mutant", MUTANT, "--shard",
                    i + "/" + SHARDS, "--json", f.toString(), "--threads", "1");
            assertTrue(s.exit() <= 1, s.out() + s.err());
            files.add(f.toString());
        }
        Path merged = dir.resolve("merged.json");
        Path report = dir.resolve("report");
        files.addAll(List.of("--json", merged.toString(), "--report", report.toString(), "--report-timelines", "1"));
        CliTest.Ran m = CliTest.run(files.toArray(String[]::new));
        assertEquals(1, m.exit(), m.out() + m.err());

        Map<?, ?> a = read(whole);
        Map<?, ?> b = read(merged);
        assertTrue((Long) a.get("failed") > 0 && (Long) a.get("passed") > 0, "the mutant fails some seeds only");
        for (String k : List.of("seeds", "passed", "failed", "events", "digest", "races", "stats")) {
            assertEquals(a.get(k), b.get(k), k);
        }
        assertEquals(failingSeeds(a), failingSeeds(b));
        assertEquals(a.get("failures"), b.get("failures"));
        assertEquals(((Map<?, ?>) a.get("shard")), ((Map<?, ?>) b.get("shard")));
        assertTrue(m.last().contains("digest " + a.get("digest")), m.last());
        String index = Files.readString(report.resolve("index.html"));
        assertTrue(index.contains("1 campaign, 16 seeds"), index);
        assertEquals(1, files(report, "timeline-").size());
    }

    @Test
    void shardsRunDisjointBlocksThatCoverEverySeedOnce() {
        for (long seeds : new long[] {1, 3, 4, 22, 1000, 1001}) {
            for (int n : new int[] {1, 2, 3, 4, 7}) {
                long next = 0;
                for (int i = 0; i < n; i++) {
                    Shard s = new Shard(i, n);
                    assertEquals(next, s.offset(seeds), seeds + " seeds, shard " + s);
                    assertTrue(s.size(seeds) >= seeds / n && s.size(seeds) <= seeds / n + 1);
                    next += s.size(seeds);
                }
                assertEquals(seeds, next);
            }
        }
        assertEquals(Long.MAX_VALUE / 2, new Shard(1, 2).offset(Long.MAX_VALUE), "no overflow");
    }

    @Test
    void badShardsAreUsageErrors() {
        assertThrows(IllegalArgumentException.class, () -> Shard.parse("4/4"));
        assertThrows(IllegalArgumentException.class, () -> Shard.parse("-1/4"));
        assertThrows(IllegalArgumentException.class, () -> Shard.parse("1/0"));
        assertThrows(IllegalArgumentException.class, () -> Shard.parse("1"));
        assertEquals(new Shard(3, 4), Shard.parse("3/4"));
        assertEquals(2, CliTest.run("sim", "--shard", "4/4").exit());
    }

    @Test
    void mergeRefusesAMissingOrRepeatedShardAndOtherCampaigns(@TempDir Path dir) throws Exception {
        Path s0 = shard(dir, "0/2", "3");
        Path s1 = shard(dir, "1/2", "3");
        Path other = shard(dir, "1/2", "4");
        Path garbage = dir.resolve("garbage.json");
        Files.writeString(garbage, "{\"seeds\": 3}");
        CliTest.Ran missing = CliTest.run("sim", "merge", s0.toString());
        assertEquals(2, missing.exit());
        assertTrue(missing.err().contains("1 files for 2 shards"), missing.err());
        CliTest.Ran repeated = CliTest.run("sim", "merge", s0.toString(), s0.toString());
        assertEquals(2, repeated.exit());
        assertTrue(repeated.err().contains("shard 1/2 is missing"), repeated.err());
        CliTest.Ran mixed = CliTest.run("sim", "merge", s0.toString(), other.toString());
        assertEquals(2, mixed.exit());
        assertTrue(mixed.err().contains("different campaigns"), mixed.err());
        CliTest.Ran bad = CliTest.run("sim", "merge", s0.toString(), garbage.toString());
        assertEquals(2, bad.exit());
        assertTrue(bad.err().contains(garbage + ": not a shard summary"), bad.err());
        CliTest.Ran ok = CliTest.run("sim", "merge", s1.toString(), s0.toString());
        assertEquals(0, ok.exit(), ok.out() + ok.err());
        assertTrue(ok.last().startsWith("3 seeds: 3 passed, 0 failed"), ok.last());
    }

    @Test
    void shardsWritingOneReportKeepTheirOwnSections(@TempDir Path dir) throws Exception {
        Path report = dir.resolve("report");
        for (String s : List.of("0/2", "1/2")) {
            assertEquals(0, CliTest.run("sim", "--seeds", "4", "--shard", s, "--report", report.toString()).exit());
        }
        String index = Files.readString(report.resolve("index.html"));
        assertTrue(index.contains("2 campaigns, 4 seeds"), index);
        assertTrue(index.contains("shard 0/2") && index.contains("shard 1/2"), index);
    }

    @Test
    void theKubernetesJobRunsEveryShardOnceWithValidOptions() throws Exception {
        String job = Files.readString(Path.of("..", "deploy", "k8s", "sim-campaign.yaml"));
        assertTrue(job.contains("completionMode: Indexed"), "an Indexed Job gives each pod JOB_COMPLETION_INDEX");
        String completions = value(job, "completions: ");
        assertEquals(completions, value(job, "parallelism: "));
        assertTrue(job.contains("- name: SHARDS\n              value: \"" + completions + "\""),
                "SHARDS must equal completions");
        // The shard command, with the variables the pod would have, is accepted by ./tq sim.
        int start = job.indexOf("./tq sim ", job.indexOf("args:"));
        String cmd = job.substring(start, job.indexOf(";", start))
                .replace("$SEEDS", "8").replace("$FIRST_SEED", "1").replace("$JOB_COMPLETION_INDEX", "3")
                .replace("$SHARDS", completions).replace("\"", "").replace("/results/", "/tmp/");
        List<String> args = new ArrayList<>(List.of(cmd.trim().split("\\s+")));
        args.remove(0); // ./tq
        var parsed = SimMain.commandLine().parseArgs(args.toArray(String[]::new));
        assertEquals(new Shard(3, Integer.parseInt(completions)),
                parsed.subcommand().matchedOptionValue("--shard", Shard.WHOLE));
        String ci = Files.readString(Path.of("..", "deploy", "ci", "sim-campaign.github.yml"));
        assertTrue(ci.contains("shard: [0, 1, 2, 3]") && ci.contains("--shard \"${{ matrix.shard }}/4\"")
                && ci.contains("./tq sim merge shards/shard-*.json"), "the CI example runs and merges 4 shards");
    }

    private static String value(String yaml, String key) {
        int i = yaml.indexOf(key);
        assertTrue(i >= 0, key);
        return yaml.substring(i + key.length(), yaml.indexOf('\n', i)).trim();
    }

    private static Path shard(Path dir, String shard, String seeds) {
        Path f = dir.resolve("s-" + seeds + "-" + shard.replace('/', '-') + ".json");
        CliTest.Ran r = CliTest.run("sim", "--seeds", seeds, "--nodes", "4", "--shard", shard, "--json", f.toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        return f;
    }

    private static Map<?, ?> read(Path f) throws Exception {
        return (Map<?, ?>) Json.parse(Files.readString(f));
    }

    private static List<Object> failingSeeds(Map<?, ?> summary) {
        List<Object> seeds = new ArrayList<>();
        for (Object f : (List<?>) summary.get("failures")) {
            seeds.add(((Map<?, ?>) f).get("seed"));
        }
        assertNotEquals(0, seeds.size());
        return seeds;
    }

    private static List<Path> files(Path dir, String prefix) throws Exception {
        try (var s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(prefix)).toList();
        }
    }
}
