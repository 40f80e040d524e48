package org.trustquorum.sim.scenario;

import java.util.List;
import java.util.SplittableRandom;
import org.trustquorum.core.engine.EngineLimits;
import org.trustquorum.sim.FaultProfile;

/**
 * Draws episodes in which a coordinator's link to one member stalls while reconfigurations go on:
 * a reconfiguration, a stall from its coordinator to a random node right as it starts, and a
 * second reconfiguration that runs as soon as the first is done. The stalled Prepare then reaches
 * its member after later epochs committed, which is the only way a stale Prepare arises (the
 * {@code skip-stale-prepare-check} mutant). Drawn last from the scenario stream, so the rest of a
 * seed's schedule is what it was without them.
 */
final class StalledCoordinatorEpisodes {
    /** Chance that a seed (of a profile with faults) gets any episodes. */
    static final int EPISODES_PERCENT = 35;
    /** A seed with episodes gets 1..this many. */
    static final int MAX_EPISODES = 3;
    /** Shortest stall; long enough for two small reconfigurations to commit. */
    static final long STALL_MIN_MS = 2_000;
    /** A stall ends before the member's inactivity timeout would close the connection. */
    static final long STALL_MAX_MS = EngineLimits.INACTIVITY_TIMEOUT_MS - 1_000;
    /** Roughly one frame (a ping) a second joins the stalled queue; leave room for the Prepare. */
    static final long QUEUED_FRAME_EVERY_MS = EngineLimits.PING_INTERVAL_MS;
    /** The follow-up reconfiguration is asked for within this long (it waits until the first is done). */
    static final long FOLLOW_UP_MAX_MS = 1_000;
    /** Episodes start this long before the end of the safety phase at the latest. */
    static final long TAIL_MS = STALL_MAX_MS + FOLLOW_UP_MAX_MS;

    private StalledCoordinatorEpisodes() {}

    /** Adds the episodes (if the seed draws any) to {@code entries}; the caller sorts them. */
    static void draw(SplittableRandom r, FaultProfile profile, int nodes, FaultMix mix, List<Entry> entries) {
        long latestStart = mix.safetyMs() - TAIL_MS;
        if (profile == FaultProfile.NONE || latestStart <= ScenarioGenerator.FIRST_ENTRY_MS
                || r.nextInt(100) >= EPISODES_PERCENT) {
            return;
        }
        // The queue must not overflow during the stall, or the connection closes and the Prepare is lost.
        long maxStall = Math.min(STALL_MAX_MS, (mix.queueCapacityFrames() - 1) * QUEUED_FRAME_EVERY_MS);
        if (maxStall < STALL_MIN_MS) {
            maxStall = STALL_MIN_MS;
        }
        int episodes = 1 + r.nextInt(MAX_EPISODES);
        for (int i = 0; i < episodes; i++) {
            long at = ScenarioGenerator.FIRST_ENTRY_MS + r.nextLong(latestStart - ScenarioGenerator.FIRST_ENTRY_MS);
            entries.add(new Entry.Reconfigure(at, r.nextLong()));
            entries.add(new Entry.Stall(at, Entry.COORDINATOR, r.nextInt(nodes),
                    STALL_MIN_MS + r.nextLong(maxStall - STALL_MIN_MS + 1)));
            entries.add(new Entry.Reconfigure(at + 1 + r.nextLong(FOLLOW_UP_MAX_MS), r.nextLong()));
        }
    }
}
