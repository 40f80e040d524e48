package org.trustquorum.tla;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The outcome of replaying a trace with {@code quint test}, read from its output.
 *
 * <p>TraceReplay.replay alternates event iterations (2i) and invariant-check iterations
 * (2i + 1), so Quint's "Reps loop could not continue after iteration #k" (k from 1) tells which:
 * odd k means event (k - 1) / 2 was not enabled, even k means the invariants failed after event
 * k / 2 - 1.
 */
public sealed interface TraceVerdict {

    /** Every event was enabled and the invariants held after each. */
    record Accepted() implements TraceVerdict {}

    /** The event with this 0-based index is not allowed by the spec in the state before it. */
    record EventRejected(int index) implements TraceVerdict {}

    /** The invariants do not hold after the event with this 0-based index. */
    record InvariantViolated(int afterIndex) implements TraceVerdict {}

    /** quint failed for another reason (parse error, crash, timeout); the output says why. */
    record Failed(String output) implements TraceVerdict {}

    Pattern REPS = Pattern.compile("Reps loop could not continue after iteration #(\\d+)");

    static TraceVerdict of(QuintRunner.Result result) {
        if (result.timedOut()) {
            return new Failed("timed out after " + result.elapsed() + "\n" + result.output());
        }
        return parse(result.exitCode(), result.output());
    }

    /**
     * Verdicts of the named tests of one {@code quint test} run over a multi-trace module; a test
     * quint did not report (for example because the module failed to load) gets {@link Failed}.
     */
    static java.util.Map<String, TraceVerdict> parseMany(QuintRunner.Result result, java.util.Collection<String> tests) {
        java.util.Map<String, TraceVerdict> verdicts = new java.util.LinkedHashMap<>();
        String out = result.output();
        for (String test : tests) {
            Matcher failed = Pattern.compile("\\d+\\) " + Pattern.quote(test) + ":\\s*\\n\\s*Error \\[\\w+\\]: ([^\\n]*)")
                    .matcher(out);
            if (result.timedOut()) {
                verdicts.put(test, new Failed("timed out after " + result.elapsed() + "\n" + out));
            } else if (Pattern.compile("ok " + Pattern.quote(test) + " passed").matcher(out).find()) {
                verdicts.put(test, new Accepted());
            } else if (failed.find()) {
                TraceVerdict v = parse(1, failed.group(1));
                verdicts.put(test, v instanceof Failed ? new Failed(failed.group(1) + "\n" + out) : v);
            } else {
                verdicts.put(test, new Failed(out));
            }
        }
        return verdicts;
    }

    static TraceVerdict parse(int exitCode, String output) {
        Matcher m = REPS.matcher(output);
        if (exitCode != 0 && m.find()) {
            int k = Integer.parseInt(m.group(1));
            return k % 2 == 1 ? new EventRejected((k - 1) / 2) : new InvariantViolated(k / 2 - 1);
        }
        if (exitCode == 0 && output.contains("passing") && !output.contains("failed")) {
            return new Accepted();
        }
        return new Failed(output);
    }
}
