package org.trustquorum.sim.cli;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.trustquorum.core.Mutation;
import org.trustquorum.sim.FaultProfile;
import org.trustquorum.sim.Race;
import org.trustquorum.sim.RunResult;
import org.trustquorum.sim.Stat;

/**
 * What a campaign, or one shard of it, found: the {@code --json} summary of {@code ./tq sim}, and
 * what {@code ./tq sim merge} reads back and joins.
 *
 * <p>{@code digest} stands for every seed's run: the XOR over the seeds of
 * SHA-256(seed as 8 bytes big-endian, then the run's hex event-log digest). XOR does not depend on
 * order, so the digest of merged shards is the XOR of theirs and equals the unsharded campaign's.
 *
 * @param campaign    the whole campaign's settings (not only this shard's seeds)
 * @param shard       which part of the campaign's seeds this covers ({@link Shard#WHOLE} if all)
 * @param events      simulated events over this part's seeds
 * @param wallSeconds wall time (for merged shards: the longest shard)
 * @param threads     worker threads (for merged shards: their sum)
 * @param races       totals per {@link Race} name
 * @param stats       totals per {@link Stat} name
 * @param failures    failing seeds, in seed order
 */
public record CampaignSummary(Setting campaign, Shard shard, long events, double wallSeconds, int threads,
        Map<String, Long> races, Map<String, Long> stats, List<Failure> failures, String digest) {

    /** A campaign's settings: seeds {@code firstSeed + i} for i in [0, seeds). */
    public record Setting(long firstSeed, long seeds, int nodes, FaultProfile faults, Mutation mutant) {
        String describe() {
            return Long.toUnsignedString(firstSeed) + " + " + seeds + " seeds, "
                    + SimMain.describeOptions(nodes, faults, mutant);
        }
    }

    /** One failing seed with its run's digest (so a report can check its replay). */
    public record Failure(long seed, String check, String message, String digest) {}

    public CampaignSummary {
        races = new LinkedHashMap<>(races);
        stats = new LinkedHashMap<>(stats);
        failures = List.copyOf(failures);
    }

    private static final int DIGEST_BYTES = 32;

    /** Seeds run in this part. */
    public long seeds() {
        return shard.size(campaign.seeds());
    }

    /** The first seed of this part. */
    public long firstSeed() {
        return campaign.firstSeed() + shard.offset(campaign.seeds());
    }

    public long passed() {
        return seeds() - failures.size();
    }

    public long eventsPerSecond() {
        return wallSeconds > 0 ? Math.round(events / wallSeconds) : 0;
    }

    public String replayCommand(Failure f) {
        return SimMain.replayCommand(f.seed(), campaign.nodes(), campaign.faults(), campaign.mutant());
    }

    // ------------------------------------------------------------------------------------------
    // Building from runs

    /** Collects the results of a campaign's runs. */
    public static final class Builder {
        private final Setting campaign;
        private final Shard shard;
        private final long[] raceTotals = new long[Race.values().length];
        private final long[] statTotals = new long[Stat.values().length];
        private final List<Failure> failures = new ArrayList<>();
        private final byte[] digest = new byte[DIGEST_BYTES];
        private final MessageDigest sha = sha256();
        private long events;

        public Builder(Setting campaign, Shard shard) {
            this.campaign = campaign;
            this.shard = shard;
        }

        public void add(RunResult r) {
            events += r.events();
            for (Race race : Race.values()) {
                raceTotals[race.ordinal()] += r.race(race);
            }
            for (Stat st : Stat.values()) {
                statTotals[st.ordinal()] += r.stat(st);
            }
            if (!r.passed()) {
                failures.add(new Failure(r.seed(), r.check(), r.message() == null ? "" : r.message(), r.digest()));
            }
            for (int i = Long.BYTES - 1; i >= 0; i--) {
                sha.update((byte) (r.seed() >>> (8 * i)));
            }
            xorInto(digest, sha.digest(r.digest().getBytes(StandardCharsets.UTF_8)));
        }

        public long events() {
            return events;
        }

        public int failed() {
            return failures.size();
        }

        public CampaignSummary build(double wallSeconds, int threads) {
            Map<String, Long> races = new LinkedHashMap<>();
            for (Race race : Race.values()) {
                races.put(race.name(), raceTotals[race.ordinal()]);
            }
            Map<String, Long> stats = new LinkedHashMap<>();
            for (Stat st : Stat.values()) {
                if (st != Stat.FINAL_MEMBERS) { // a per-run value, meaningless summed
                    stats.put(st.name(), statTotals[st.ordinal()]);
                }
            }
            return new CampaignSummary(campaign, shard, events, wallSeconds, threads, races, stats, failures,
                    HexFormat.of().formatHex(digest));
        }
    }

    // ------------------------------------------------------------------------------------------
    // Merging shards

    /**
     * Joins the summaries of every shard of one campaign into the whole campaign's. Refuses
     * (with the reason) summaries of different campaigns, a missing or repeated shard, or a
     * summary that is already whole when there are several.
     */
    public static CampaignSummary merge(List<CampaignSummary> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("nothing to merge");
        }
        List<CampaignSummary> sorted = new ArrayList<>(parts);
        sorted.sort(Comparator.comparingInt(p -> p.shard().index()));
        CampaignSummary first = sorted.get(0);
        int count = first.shard().count();
        for (CampaignSummary p : sorted) {
            if (!p.campaign().equals(first.campaign())) {
                throw new IllegalArgumentException("different campaigns: " + first.campaign().describe() + " vs "
                        + p.campaign().describe());
            }
            if (p.shard().count() != count) {
                throw new IllegalArgumentException("shards of " + count + " and of " + p.shard().count()
                        + " do not go together");
            }
        }
        if (sorted.size() != count) {
            throw new IllegalArgumentException(sorted.size() + " files for " + count + " shards: need each shard 0.."
                    + (count - 1) + " exactly once");
        }
        for (int i = 0; i < count; i++) {
            if (sorted.get(i).shard().index() != i) {
                throw new IllegalArgumentException("shard " + i + "/" + count + " is missing (or another is repeated)");
            }
        }
        long events = 0;
        double wall = 0;
        int threads = 0;
        Map<String, Long> races = new LinkedHashMap<>();
        Map<String, Long> stats = new LinkedHashMap<>();
        List<Failure> failures = new ArrayList<>();
        byte[] digest = new byte[DIGEST_BYTES];
        for (CampaignSummary p : sorted) {
            events += p.events();
            wall = Math.max(wall, p.wallSeconds());
            threads += p.threads();
            p.races().forEach((k, v) -> races.merge(k, v, Long::sum));
            p.stats().forEach((k, v) -> stats.merge(k, v, Long::sum));
            failures.addAll(p.failures()); // shards are contiguous blocks: shard order is seed order
            xorInto(digest, HexFormat.of().parseHex(p.digest()));
        }
        return new CampaignSummary(first.campaign(), Shard.WHOLE, events, wall, threads, races, stats, failures,
                HexFormat.of().formatHex(digest));
    }

    // ------------------------------------------------------------------------------------------
    // JSON

    /** The {@code --json} document. */
    public Map<String, Object> toJson() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("seeds", seeds());
        root.put("passed", passed());
        root.put("failed", (long) failures.size());
        root.put("events", events);
        root.put("eventsPerSecond", eventsPerSecond());
        root.put("wallSeconds", Math.round(wallSeconds * 1000) / 1000.0);
        root.put("digest", digest);
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("firstSeed", Long.toUnsignedString(campaign.firstSeed()));
        options.put("seeds", campaign.seeds());
        options.put("nodes", (long) campaign.nodes());
        options.put("faults", campaign.faults().cliName());
        options.put("mutant", campaign.mutant().cliName());
        options.put("threads", (long) threads);
        root.put("options", options);
        Map<String, Object> sh = new LinkedHashMap<>();
        sh.put("index", (long) shard.index());
        sh.put("count", (long) shard.count());
        sh.put("firstSeed", Long.toUnsignedString(firstSeed()));
        sh.put("seeds", seeds());
        root.put("shard", sh);
        root.put("races", new LinkedHashMap<String, Object>(races));
        root.put("stats", new LinkedHashMap<String, Object>(stats));
        List<Object> fs = new ArrayList<>();
        for (Failure f : failures) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("seed", Long.toUnsignedString(f.seed()));
            m.put("check", f.check());
            m.put("message", f.message());
            m.put("digest", f.digest());
            m.put("replay", replayCommand(f));
            fs.add(m);
        }
        root.put("failures", fs);
        return root;
    }

    /** Reads a {@code --json} document back; a clear {@link IllegalArgumentException} if it is not one. */
    public static CampaignSummary fromJson(Object json) {
        Map<?, ?> root = map(json, "the summary");
        Map<?, ?> options = map(root.get("options"), "options");
        Map<?, ?> sh = map(root.get("shard"), "shard (written by ./tq sim --json since sharding exists)");
        Setting setting;
        try {
            setting = new Setting(SimMain.parseSeed(string(options, "firstSeed")), number(options, "seeds"),
                    (int) number(options, "nodes"), FaultProfile.fromCliName(string(options, "faults")),
                    Mutation.fromCliName(string(options, "mutant")));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("bad options: " + e.getMessage(), e);
        }
        Shard shard = new Shard((int) number(sh, "index"), (int) number(sh, "count"));
        List<Failure> failures = new ArrayList<>();
        if (!(root.get("failures") instanceof List<?> list)) {
            throw new IllegalArgumentException("no failures list");
        }
        for (Object o : list) {
            Map<?, ?> f = map(o, "a failure");
            failures.add(new Failure(SimMain.parseSeed(string(f, "seed")), string(f, "check"), string(f, "message"),
                    string(f, "digest")));
        }
        double wall = root.get("wallSeconds") instanceof Number n ? n.doubleValue() : 0;
        CampaignSummary s = new CampaignSummary(setting, shard, number(root, "events"), wall,
                (int) number(options, "threads"), counts(root.get("races")), counts(root.get("stats")), failures,
                string(root, "digest"));
        if (s.seeds() != number(root, "seeds") || s.failures().size() != number(root, "failed")) {
            throw new IllegalArgumentException("its seed or failure counts do not match its shard and failures");
        }
        HexFormat.of().parseHex(s.digest());
        return s;
    }

    private static Map<?, ?> map(Object o, String what) {
        if (o instanceof Map<?, ?> m) {
            return m;
        }
        throw new IllegalArgumentException("no " + what + " object");
    }

    private static String string(Map<?, ?> m, String key) {
        if (m.get(key) instanceof String s) {
            return s;
        }
        throw new IllegalArgumentException("no string '" + key + "'");
    }

    private static long number(Map<?, ?> m, String key) {
        if (m.get(key) instanceof Long n) {
            return n;
        }
        throw new IllegalArgumentException("no whole number '" + key + "'");
    }

    private static Map<String, Long> counts(Object o) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map(o, "counts").entrySet()) {
            out.put(String.valueOf(e.getKey()), number(map(o, "counts"), String.valueOf(e.getKey())));
        }
        return out;
    }

    private static void xorInto(byte[] acc, byte[] x) {
        if (x.length != acc.length) {
            throw new IllegalArgumentException("a digest of " + x.length + " bytes, not " + acc.length);
        }
        for (int i = 0; i < acc.length; i++) {
            acc[i] ^= x[i];
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
