package org.trustquorum.core.protocol;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.trustquorum.core.Mutation;
import org.trustquorum.core.TestInvoker;

/** Each protocol guard, switched off through its {@link Mutation}, makes the test that protects it fail. */
class ProtocolMutationsTest {
    static Stream<Arguments> guardTable() {
        return Stream.of(
                Arguments.of(Mutation.ACK_PREPARE_WITHOUT_PERSIST, ClusterScenarioTest.class,
                        "initialConfigurationOfFiveNodesCommitsAndEveryoneLoadsTheSameSecret"),
                Arguments.of(Mutation.COMMIT_WITHOUT_PREPARE, NodeApiTest.class,
                        "commitOfAnEpochNeverPreparedIsNotPrepared"),
                Arguments.of(Mutation.SKIP_STALE_PREPARE_CHECK, NodeApiTest.class,
                        "aStalePrepareOlderThanTheLatestCommitIsDroppedWithoutAck"),
                Arguments.of(Mutation.COMPUTE_SHARE_AT_WRONG_X, ClusterScenarioTest.class,
                        "addingTwoNodesAndRemovingOneThroughPrepareAndCommitKeepsTheChainOfSecrets"),
                Arguments.of(Mutation.ACCEPT_UNSIGNED_PREPARE, HostilePeerTest.class,
                        "aForgedPrepareOfTheCommittedEpochRaisesNoMismatchAlarm"),
                Arguments.of(Mutation.COMMIT_ADVANCE_UNSIGNED, HostilePeerTest.class,
                        "aSignedButNeverCommittedProposalCannotBeAdvancedToACommit"),
                Arguments.of(Mutation.ACCEPT_EXPUNGED_WITHOUT_PROOF, HostilePeerTest.class,
                        "aMaliciousCurrentMemberCannotExpungeAnHonestMember"),
                Arguments.of(Mutation.COMMIT_CALL_UNSIGNED, HostilePeerTest.class,
                        "proxiedCommitCallsWithoutTheControlPlanesSignatureAreUnauthorized"),
                Arguments.of(Mutation.COORDINATE_UNSIGNED_REQUEST, HostilePeerTest.class,
                        "aReconfigurationRequestIsCoordinatedOnlyWithTheControlPlanesSignatureForThisCoordinator"));
    }

    @AfterEach
    void restore() {
        TestCluster.mutationForNewNodes = Mutation.NONE;
    }

    @ParameterizedTest(name = "{0} is caught by {2}")
    @MethodSource("guardTable")
    void switchingAProtocolGuardOffMakesItsTestFail(Mutation mutation, Class<?> testClass, String method) {
        TestCluster.mutationForNewNodes = Mutation.NONE;
        assertDoesNotThrow(() -> TestInvoker.invoke(testClass, method));
        TestCluster.mutationForNewNodes = mutation;
        Throwable failure = assertThrows(Throwable.class, () -> TestInvoker.invoke(testClass, method),
                "the test must fail without the guard of " + mutation);
        assertTrue(failure instanceof AssertionError || failure instanceof IllegalStateException,
                "failed by an assertion, not by accident: " + failure);
    }
}
