package org.trustquorum.runtime.node;

/** Reads one sample out of a Prometheus text exposition. */
public final class Scrape {
    private Scrape() {}

    /**
     * The value of the sample whose name and labels are exactly {@code series}, for example
     * {@code tq_ledger_generation{node="A:1"}}.
     *
     * @throws AssertionError if there is no such sample
     */
    public static double value(String text, String series) {
        for (String line : text.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim().split(" ")[0]);
            }
        }
        throw new AssertionError("no sample " + series + " in:\n" + text);
    }
}
