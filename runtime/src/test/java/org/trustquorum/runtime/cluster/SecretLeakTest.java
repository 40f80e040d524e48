package org.trustquorum.runtime.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.trustquorum.core.crypto.RackSecret;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.EpochShare;
import org.trustquorum.core.model.KeyShare;
import org.trustquorum.core.model.PersistentState;
import org.trustquorum.runtime.admin.AdminClient;
import org.trustquorum.runtime.cli.LogFormat;
import org.trustquorum.runtime.ledger.Ledger;

/**
 * No rack secret in logs, ledgers or admin answers; no key share in logs or admin answers.
 *
 * <p>Runs the whole multi-process demo (two epochs, a node joining through proxies, a SIGKILL and
 * restart, every member unlocking both epochs) with every node logging at TRACE through a
 * production logging configuration (once in the text format, once in the JSON format), records every admin answer body, then makes more admin
 * calls of every kind (status, proxied status, metrics, network config, load-secret, refusals).
 * The real secrets are rebuilt from the shares in the ledgers ({@link RackSecret#reconstruct}),
 * checked against the fingerprints the demo printed, and then searched for in everything that was
 * written: hex (both cases) and base64 (standard and URL-safe, padded or not, at every byte
 * alignment, so a secret embedded in a longer encoded value is found too).
 */
class SecretLeakTest {
    private static final int NODES = 4;
    /** A node status polled several times, so that the search covers answers written while a node computes or loads. */
    private static final int EXTRA_ROUNDS = 2;

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(LogFormat.class)
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void noSecretOrKeyShareInLogsLedgersOrAdminAnswersOfAFullDemo(LogFormat format) throws Exception {
        Path logback = Path.of(ClusterDemo.class.getResource("/" + format.resource()).toURI());
        ByteArrayOutputStream demoOut = new ByteArrayOutputStream();
        ClusterDemo demo = new ClusterDemo(NODES, dir.resolve("cluster"), true,
                new PrintStream(demoOut, true, StandardCharsets.UTF_8),
                List.of("-Dlogback.configurationFile=" + logback, "-Dtq.log.level=TRACE"));
        ProcessCluster cluster = demo.cluster();
        StringBuffer adminAnswers = new StringBuffer();
        cluster.setAdminTranscript(t -> adminAnswers.append(t).append('\n'));
        Map<Epoch, List<KeyShare>> sharesByEpoch = new TreeMap<>();
        try {
            assertEquals(0, demo.run(), demoOut.toString(StandardCharsets.UTF_8));
            moreAdminCalls(cluster);
        } finally {
            cluster.stopAll();
        }
        String printed = demoOut.toString(StandardCharsets.UTF_8);

        StringBuilder logs = new StringBuilder();
        StringBuilder ledgers = new StringBuilder();
        for (ProcessCluster.Child c : cluster.children()) {
            logs.append(Files.readString(c.log));
            for (Path p : c.ledgerPaths()) {
                ledgers.append(Files.readString(p));
            }
            PersistentState state = new Ledger(c.ledgerPaths()).load().state();
            for (EpochShare s : state.shares()) {
                sharesByEpoch.computeIfAbsent(s.epoch(), e -> new ArrayList<>()).add(s.share());
            }
        }
        assertTrue(logs.toString().contains("TRACE") || logs.toString().contains("DEBUG"),
                "the nodes logged at their most verbose level");
        assertTrue(logs.toString().contains("connected incarnation"), "node logs were captured");
        if (format == LogFormat.JSON) {
            assertTrue(logs.toString().contains("\"formattedMessage\":\"TQ-SLED:"), "the nodes logged JSON");
        }
        assertTrue(adminAnswers.toString().contains("POST /v1/load-secret -> 200"), "admin answers were captured");

        Map<String, String> secretMayNotAppearIn = new LinkedHashMap<>();
        secretMayNotAppearIn.put("node logs", logs.toString());
        secretMayNotAppearIn.put("ledgers", ledgers.toString());
        secretMayNotAppearIn.put("admin answers", adminAnswers.toString());
        secretMayNotAppearIn.put("demo output", printed);
        Map<String, String> shareMayNotAppearIn = new LinkedHashMap<>(secretMayNotAppearIn);
        shareMayNotAppearIn.remove("ledgers"); // that is where shares belong

        assertEquals(2, sharesByEpoch.size(), "two epochs: " + sharesByEpoch.keySet());
        for (Map.Entry<Epoch, List<KeyShare>> e : sharesByEpoch.entrySet()) {
            try (RackSecret secret = RackSecret.reconstruct(e.getValue())) {
                assertTrue(printed.contains(secret.fingerprint()),
                        "the rebuilt epoch " + e.getKey() + " secret is the one the nodes unlocked");
                byte[] bytes = secret.copyBytes();
                assertNotFound("the epoch " + e.getKey() + " rack secret", bytes, secretMayNotAppearIn);
            }
            for (KeyShare share : e.getValue()) {
                assertNotFound("a key share of epoch " + e.getKey() + " (x=" + share.x() + ")", share.y(), shareMayNotAppearIn);
                // The search itself works: shares are in the ledgers, as base64.
                assertTrue(containsAny(ledgers.toString(), encodings(share.y())), "share found in the ledgers");
            }
        }
    }

    /** Every other kind of admin answer, from every node, including refusals. */
    private static void moreAdminCalls(ProcessCluster cluster) throws Exception {
        for (int round = 0; round < EXTRA_ROUNDS; round++) {
            for (ProcessCluster.Child c : cluster.children()) {
                AdminClient a = cluster.admin(c);
                AdminClient.await(a.raw("GET", "/v1/status", null));
                AdminClient.await(a.raw("GET", "/metrics", null));
                AdminClient.await(a.raw("GET", "/v1/network-config", null));
                AdminClient.await(a.raw("POST", "/v1/load-secret", "{\"epoch\": 1}"));
                AdminClient.await(a.raw("POST", "/v1/load-secret", "{\"epoch\": 2}"));
                AdminClient.await(a.raw("POST", "/v1/load-secret", "{\"epoch\": 99}"));
                AdminClient.await(a.raw("POST", "/v1/commit", "{\"rackId\": \"not-a-uuid\", \"epoch\": 1}"));
                for (ProcessCluster.Child other : cluster.children()) {
                    if (other != c) {
                        AdminClient.await(a.raw("POST", "/v1/proxy/status", "{\"to\": \"" + other.id + "\"}"));
                    }
                }
            }
        }
        ProcessCluster.Child first = cluster.children().get(0);
        AdminClient.await(cluster.admin(first).raw("POST", "/v1/clear-secrets", "{}"));
    }

    private static void assertNotFound(String what, byte[] value, Map<String, String> places) {
        List<String> forms = encodings(value);
        for (Map.Entry<String, String> place : places.entrySet()) {
            for (String form : forms) {
                assertFalse(place.getValue().contains(form), what + " appears in the " + place.getKey() + " as " + form);
            }
        }
    }

    private static boolean containsAny(String text, List<String> forms) {
        return forms.stream().anyMatch(text::contains);
    }

    /**
     * The text forms of a value: lower- and upper-case hex, and for the standard and URL-safe
     * base64 alphabets the characters that depend on the value alone when it starts 0, 1 or 2
     * bytes into a longer encoded string (this covers padded and unpadded encodings too).
     */
    static List<String> encodings(byte[] value) {
        List<String> forms = new ArrayList<>();
        String hex = HexFormat.of().formatHex(value);
        forms.add(hex);
        forms.add(hex.toUpperCase(java.util.Locale.ROOT));
        for (Base64.Encoder enc : List.of(Base64.getEncoder().withoutPadding(), Base64.getUrlEncoder().withoutPadding())) {
            for (int offset = 0; offset < 3; offset++) {
                byte[] shifted = new byte[offset + value.length];
                System.arraycopy(value, 0, shifted, offset, value.length);
                String text = enc.encodeToString(shifted);
                int firstBit = 8 * offset;
                int endBit = 8 * (offset + value.length);
                int firstChar = (firstBit + 5) / 6; // first character whose 6 bits all belong to the value
                int endChar = endBit / 6; // characters wholly inside the value end here
                forms.add(text.substring(firstChar, Math.min(endChar, text.length())));
            }
        }
        return forms;
    }
}
