package org.trustquorum.sim.mutation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/** The mutants of one PIT run (its {@code mutations.xml}), and the scores {@code ./tq mutate} prints. */
record MutationResults(List<Mutant> mutants) {

    /**
     * One mutant: where it is and what happened to it. {@code key()} names it without its line
     * number's neighbours: class, method, line, mutator and PIT's index of the mutation on that line.
     */
    record Mutant(String className, String method, int line, String mutator, String indexes, String description,
            String status, boolean detected) {
        String key() {
            return className + "\t" + method + "\t" + line + "\t" + shortMutator() + "\t" + indexes;
        }

        String shortMutator() {
            return mutator.substring(mutator.lastIndexOf('.') + 1);
        }
    }

    static MutationResults read(Path mutationsXml) throws IOException {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            NodeList nodes = f.newDocumentBuilder().parse(mutationsXml.toFile()).getElementsByTagName("mutation");
            List<Mutant> out = new ArrayList<>();
            for (int i = 0; i < nodes.getLength(); i++) {
                Element m = (Element) nodes.item(i);
                out.add(new Mutant(text(m, "mutatedClass"), text(m, "mutatedMethod"),
                        Integer.parseInt(text(m, "lineNumber")), text(m, "mutator"), text(m, "indexes").strip(),
                        text(m, "description"), m.getAttribute("status"), Boolean.parseBoolean(m.getAttribute("detected"))));
            }
            return new MutationResults(List.copyOf(out));
        } catch (ParserConfigurationException | SAXException e) {
            throw new IOException("cannot read " + mutationsXml + ": " + e.getMessage(), e);
        }
    }

    private static String text(Element parent, String tag) {
        NodeList l = parent.getElementsByTagName(tag);
        return l.getLength() == 0 ? "" : l.item(0).getTextContent();
    }

    long detected() {
        return mutants.stream().filter(Mutant::detected).count();
    }

    /** Mutants not in {@code equivalent}, by key. */
    List<Mutant> nonEquivalent(Set<String> equivalent) {
        return mutants.stream().filter(m -> !equivalent.contains(m.key())).toList();
    }

    List<Mutant> survivors() {
        return mutants.stream().filter(m -> !m.detected()).toList();
    }

    /** "K of N (P%)" for the mutants given. */
    static String score(List<Mutant> of) {
        long k = of.stream().filter(Mutant::detected).count();
        return k + " of " + of.size() + " (" + percent(k, of.size()) + ")";
    }

    static String percent(long k, long n) {
        return n == 0 ? "-" : String.format(java.util.Locale.ROOT, "%.1f%%", 100.0 * k / n);
    }

    /** Keys of the equivalent mutants listed in a file: tab-separated key fields, then the reason; # comments. */
    static Set<String> readEquivalent(Path file) throws IOException {
        if (!Files.exists(file)) {
            return Set.of();
        }
        Set<String> keys = new java.util.TreeSet<>();
        for (String line : Files.readAllLines(file)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t");
            if (f.length < 6) {
                throw new IOException(file + ": expected class, method, line, mutator, index, reason: " + line);
            }
            keys.add(String.join("\t", f[0], f[1], f[2], f[3], f[4]));
        }
        return keys;
    }
}
