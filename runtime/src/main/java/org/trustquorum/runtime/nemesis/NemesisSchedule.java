package org.trustquorum.runtime.nemesis;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.trustquorum.core.model.NodeId;

/**
 * One round's link faults and request burst, drawn from the run's seed and the round number only,
 * so {@code --seed S} replays the same schedule (the timing on real sockets is not exact: the same
 * fault may land on a different frame).
 *
 * <p>A round picks a <em>proxy node</em> P and a burst of proxied requests issued through P, and
 * {@value #MIN_FAULTS}..{@value #MAX_FAULTS} link faults inside a fault window, at least half of
 * them on P's links; at the end of the window every link is healed.
 */
public record NemesisSchedule(int round, NodeId proxyNode, int burstRequests, long burstSpacingMs, long windowMs,
        List<Step> steps) {

    /** Fewest link faults in a round. */
    public static final int MIN_FAULTS = 2;
    /** Most link faults in a round. */
    public static final int MAX_FAULTS = 6;
    /** Shortest fault window. */
    public static final long MIN_WINDOW_MS = 1_500;
    /** Longest fault window. */
    public static final long MAX_WINDOW_MS = 3_000;
    /** Fewest proxied requests in a round's burst. */
    public static final int MIN_BURST_REQUESTS = 20;
    /** Most proxied requests in a round's burst. */
    public static final int MAX_BURST_REQUESTS = 120;
    /** Longest fixed delay a link gets. */
    public static final long MAX_DELAY_MS = 300;
    /** Longest jitter on top of a delay. */
    public static final long MAX_JITTER_MS = 200;
    /** How long a flapping connection lives at most. */
    public static final long MAX_FLAP_LIFE_MS = 300;
    /** How long the acceptor's side of a flapped connection stays open at most after the dialer's was cut. */
    public static final long MAX_FLAP_CLOSE_LAG_MS = 400;
    /** Chance (in percent) that a fault is a stall; stalls last until keepalive (10 s), so they are rarer. */
    public static final int STALL_PERCENT = 8;
    private static final long SEED_MIX = 0x9E3779B97F4A7C15L;

    /** A fault applied {@code atMs} after the window opened. */
    public record Step(long atMs, Link link, LinkFault fault) {
        public String describe() {
            return "+" + atMs + " ms " + link.label() + " " + fault.describe();
        }
    }

    /** The schedule of round {@code round} for a run with {@code seed}. */
    public static NemesisSchedule draw(long seed, int round, List<NodeId> ids, List<Link> links) {
        SplittableRandom r = new SplittableRandom(seed ^ (SEED_MIX * round));
        NodeId proxy = ids.get(r.nextInt(ids.size()));
        List<Link> proxyLinks = links.stream().filter(l -> l.touches(proxy)).toList();
        long window = r.nextLong(MIN_WINDOW_MS, MAX_WINDOW_MS + 1);
        int burst = r.nextInt(MIN_BURST_REQUESTS, MAX_BURST_REQUESTS + 1);
        long spacing = Math.max(1, window / burst);
        int faults = r.nextInt(MIN_FAULTS, MAX_FAULTS + 1);
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < faults; i++) {
            List<Link> from = i % 2 == 0 ? proxyLinks : links;
            Link link = from.get(r.nextInt(from.size()));
            long at = r.nextLong(window * 3 / 4);
            steps.add(new Step(at, link, fault(r, window - at)));
        }
        steps.sort(Comparator.comparingLong(Step::atMs));
        return new NemesisSchedule(round, proxy, burst, spacing, window, List.copyOf(steps));
    }

    private static LinkFault fault(SplittableRandom r, long remainingMs) {
        if (r.nextInt(100) < STALL_PERCENT) {
            return new LinkFault.Stall();
        }
        Link.Direction d = Link.Direction.values()[r.nextInt(2)];
        return switch (r.nextInt(7)) {
            case 0 -> new LinkFault.Delay(r.nextBoolean() ? null : d, r.nextLong(1, MAX_DELAY_MS + 1),
                    r.nextBoolean() ? 0 : r.nextLong(1, MAX_JITTER_MS + 1));
            case 1 -> new LinkFault.OneWay(d);
            case 2 -> new LinkFault.ResetMidFrame(r.nextBoolean() ? null : d);
            case 3 -> new LinkFault.CloseAfterHandshake(remainingMs);
            case 4 -> new LinkFault.Duplicate();
            case 5 -> new LinkFault.Flap(remainingMs, r.nextLong(MAX_FLAP_LIFE_MS + 1), r.nextLong(MAX_FLAP_CLOSE_LAG_MS + 1));
            default -> new LinkFault.Pass();
        };
    }

    /** The printed form: one header line and one line per fault. */
    public List<String> describe() {
        List<String> lines = new ArrayList<>();
        lines.add("nemesis round " + round + ": " + burstRequests + " proxied requests through " + proxyNode + " every "
                + burstSpacingMs + " ms; " + steps.size() + " link faults in a " + windowMs + " ms window, then heal");
        for (Step s : steps) {
            lines.add("  " + s.describe());
        }
        return lines;
    }
}
