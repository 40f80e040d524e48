package org.trustquorum.sim.mutation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ./tq mutate reads PIT's mutations.xml and the list of equivalent mutants as it should. */
class MutationResultsTest {
    private static final String XML = """
            <?xml version="1.0" encoding="UTF-8"?>
            <mutations partial="false">
            <mutation detected='true' status='KILLED' numberOfTestsRun='2'><sourceFile>Node.java</sourceFile>\
            <mutatedClass>org.trustquorum.core.protocol.Node</mutatedClass><mutatedMethod>onPrepare</mutatedMethod>\
            <methodDescription>()V</methodDescription><lineNumber>397</lineNumber>\
            <mutator>org.pitest.mutationtest.engine.gregor.mutators.NegateConditionalsMutator</mutator>\
            <indexes><index>12</index></indexes><blocks><block>3</block></blocks><killingTest>t</killingTest>\
            <description>negated conditional</description></mutation>
            <mutation detected='false' status='SURVIVED' numberOfTestsRun='5'><sourceFile>Node.java</sourceFile>\
            <mutatedClass>org.trustquorum.core.protocol.Node</mutatedClass><mutatedMethod>toString</mutatedMethod>\
            <methodDescription>()Ljava/lang/String;</methodDescription><lineNumber>700</lineNumber>\
            <mutator>org.pitest.mutationtest.engine.gregor.mutators.returns.EmptyObjectReturnValsMutator</mutator>\
            <indexes><index>4</index></indexes><blocks><block>1</block></blocks><killingTest/>\
            <description>replaced return value with ""</description></mutation>
            <mutation detected='true' status='TIMED_OUT' numberOfTestsRun='1'><sourceFile>Node.java</sourceFile>\
            <mutatedClass>org.trustquorum.core.protocol.Node</mutatedClass><mutatedMethod>loop</mutatedMethod>\
            <methodDescription>()V</methodDescription><lineNumber>10</lineNumber>\
            <mutator>org.pitest.mutationtest.engine.gregor.mutators.IncrementsMutator</mutator>\
            <indexes><index>1</index></indexes><blocks><block>1</block></blocks><killingTest/>\
            <description>Changed increment from 1 to -1</description></mutation>
            </mutations>
            """;

    @Test
    void readsStatusesScoresAndSurvivors(@TempDir Path dir) throws IOException {
        Path xml = dir.resolve("mutations.xml");
        Files.writeString(xml, XML);
        MutationResults r = MutationResults.read(xml);
        assertEquals(3, r.mutants().size());
        assertEquals(2, r.detected());
        assertEquals("2 of 3 (66.7%)", MutationResults.score(r.mutants()));
        List<MutationResults.Mutant> survivors = r.survivors();
        assertEquals(1, survivors.size());
        assertEquals("org.trustquorum.core.protocol.Node\ttoString\t700\tEmptyObjectReturnValsMutator\t4",
                survivors.get(0).key());
        assertEquals("2 of 2 (100.0%)", MutationResults.score(r.nonEquivalent(Set.of(survivors.get(0).key()))));
    }

    @Test
    void readsTheEquivalentListAndRejectsALineWithoutAReason(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("eq.tsv");
        Files.writeString(file, "# comment\nC\tm\t7\tMathMutator\t3\tonly logged\n\n");
        assertEquals(Set.of("C\tm\t7\tMathMutator\t3"), MutationResults.readEquivalent(file));
        assertEquals(Set.of(), MutationResults.readEquivalent(dir.resolve("missing.tsv")));
        Files.writeString(file, "C\tm\t7\tMathMutator\t3\n");
        assertThrows(IOException.class, () -> MutationResults.readEquivalent(file));
    }
}
