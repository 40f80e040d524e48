package org.trustquorum.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.trustquorum.core.Mutation;
import org.trustquorum.sim.check.AckedPrepareIsDurable;
import org.trustquorum.sim.check.NetworkConfigIsDurable;
import org.trustquorum.sim.check.AuthorizedState;
import org.trustquorum.sim.check.CommittedImpliesPrepared;
import org.trustquorum.sim.check.ExactlyOneReply;
import org.trustquorum.sim.check.ExitIsProcessed;
import org.trustquorum.sim.check.Keepalive;
import org.trustquorum.sim.check.NoAlarms;
import org.trustquorum.sim.check.NoConfigBelowCommit;
import org.trustquorum.sim.check.NoEstablishAfterClose;
import org.trustquorum.sim.check.NoStaleAck;
import org.trustquorum.sim.check.OneConnectionPerPeer;
import org.trustquorum.sim.check.ProxyCallSentOrRefused;
import org.trustquorum.sim.check.ProxyRequestHasCall;
import org.trustquorum.sim.check.ShareMatchesDigest;
import org.trustquorum.sim.check.StaleExitIgnored;
import org.trustquorum.sim.check.TrackerClearedOnExit;
import org.trustquorum.sim.cli.Campaign;

/**
 * Every mutant is caught by a default campaign within a small seed budget, by the checks that
 * are meant to catch it, and the failing seed replays to the same failure.
 */
class MutantDetectionTest {
    /** Seeds tried per mutant at most (the slowest mutant needs a few hundred; see docs/SIMULATOR.md). */
    static final long SEED_BUDGET = 1_000;
    static final long BATCH = 32;

    static final Map<Mutation, Set<String>> CATCHING_CHECKS = new EnumMap<>(Map.ofEntries(
            Map.entry(Mutation.TRACK_UNSENT_PROXY_REQUEST, Set.of(ProxyCallSentOrRefused.NAME)),
            Map.entry(Mutation.SILENT_QUEUE_DROP, Set.of(Keepalive.NAME)),
            Map.entry(Mutation.IGNORE_HANDLER_EXCEPTION_EXIT, Set.of(ExitIsProcessed.NAME)),
            Map.entry(Mutation.APPLY_STALE_EXIT, Set.of(StaleExitIgnored.NAME)),
            Map.entry(Mutation.APPLY_ABORTED_CONNECT, Set.of(NoEstablishAfterClose.NAME)),
            Map.entry(Mutation.KEEP_DUPLICATE_CONNECTION, Set.of(OneConnectionPerPeer.NAME)),
            Map.entry(Mutation.TRACKER_NOT_CLEARED_ON_EXIT, Set.of(TrackerClearedOnExit.NAME)),
            Map.entry(Mutation.REPROXY_REQUEST, Set.of(ProxyRequestHasCall.NAME, ExactlyOneReply.NAME)),
            Map.entry(Mutation.REPLY_BEFORE_PERSIST, Set.of(AckedPrepareIsDurable.NAME, NetworkConfigIsDurable.NAME)),
            Map.entry(Mutation.ACK_PREPARE_WITHOUT_PERSIST, Set.of(AckedPrepareIsDurable.NAME)),
            Map.entry(Mutation.COMPUTE_SHARE_AT_WRONG_X, Set.of(ShareMatchesDigest.NAME)),
            Map.entry(Mutation.COMMIT_WITHOUT_PREPARE, Set.of(CommittedImpliesPrepared.NAME)),
            Map.entry(Mutation.SKIP_STALE_PREPARE_CHECK, Set.of(NoStaleAck.NAME, NoConfigBelowCommit.NAME)),
            Map.entry(Mutation.ACCEPT_UNSIGNED_PREPARE, Set.of(AuthorizedState.UNSIGNED_CONFIG, NoAlarms.NAME)),
            Map.entry(Mutation.COMMIT_ADVANCE_UNSIGNED, Set.of(AuthorizedState.UNSIGNED_CONFIG,
                    AuthorizedState.UNSIGNED_COMMIT, NoAlarms.NAME)),
            Map.entry(Mutation.ACCEPT_EXPUNGED_WITHOUT_PROOF, Set.of(AuthorizedState.UNPROVEN_EXPUNGE)),
            Map.entry(Mutation.COMMIT_CALL_UNSIGNED, Set.of(AuthorizedState.UNSIGNED_CONFIG,
                    AuthorizedState.UNSIGNED_COMMIT, NoAlarms.NAME)),
            Map.entry(Mutation.COORDINATE_UNSIGNED_REQUEST, Set.of(AuthorizedState.UNSIGNED_REQUEST_ACCEPTED))));

    /** The authorisation gates only matter against hostile peers: their mutants run the hostile profile. */
    static FaultProfile profileFor(Mutation m) {
        return switch (m) {
            case ACCEPT_UNSIGNED_PREPARE, COMMIT_ADVANCE_UNSIGNED, ACCEPT_EXPUNGED_WITHOUT_PROOF, COMMIT_CALL_UNSIGNED,
                    COORDINATE_UNSIGNED_REQUEST -> FaultProfile.HOSTILE;
            default -> FaultProfile.SWARM;
        };
    }

    @ParameterizedTest
    @EnumSource(value = Mutation.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void everyMutantIsCaughtByTheChecksMeantForItWithinTheSeedBudget(Mutation mutant) {
        RunResult first = null;
        for (long start = 1; start <= SEED_BUDGET && first == null; start += BATCH) {
            List<RunResult> batch = Campaign.run(new Campaign.Options(BATCH, start, 8, profileFor(mutant), mutant, null,
                    Campaign.defaultThreads()), r -> { });
            for (RunResult r : batch) {
                if (!r.passed()) {
                    first = r;
                    break;
                }
            }
        }
        assertNotNull(first, mutant.cliName() + " was not caught in " + SEED_BUDGET + " seeds");
        RunResult caught = first;
        assertTrue(CATCHING_CHECKS.get(mutant).contains(caught.check()),
                () -> mutant.cliName() + " was caught by " + caught.check() + ": " + caught.message());
        RunResult replay = new Simulation(RunSpec.generate(caught.seed(), 8, profileFor(mutant), mutant)).run();
        assertEquals(caught.check(), replay.check());
        assertEquals(caught.digest(), replay.digest());
    }
}
