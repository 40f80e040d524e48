package org.trustquorum.core.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class Gf256Test {
    private static final int SIZE = 256;
    /**
     * The reference multiplication table from Oxide's omicron repository
     * (trust-quorum/gfss/test_input/, MPL-2.0), copied into test resources; used as test data only.
     */
    private static final String VECTOR_FILE = "gf256_multiplication_test_vector.txt";

    /**
     * Independent product: multiply as polynomials over GF(2) into a 15-bit value, then reduce by
     * polynomial long division with 0x11B from the top bit down.
     */
    private static int referenceProduct(int a, int b) {
        int wide = 0;
        for (int i = 0; i < 8; i++) {
            if (((b >> i) & 1) == 1) {
                wide ^= a << i;
            }
        }
        for (int degree = 14; degree >= 8; degree--) {
            if ((wide & (1 << degree)) != 0) {
                wide ^= 0x11B << (degree - 8);
            }
        }
        return wide;
    }

    private static int[] parseTable(String text) {
        String[] fields = text.trim().split("\\s+");
        assertEquals(SIZE * SIZE, fields.length, "the table has 65536 entries");
        int[] table = new int[SIZE * SIZE];
        for (int i = 0; i < fields.length; i++) {
            table[i] = Integer.parseInt(fields[i]);
        }
        return table;
    }

    private static String resourceText() throws IOException {
        try (InputStream in = Gf256Test.class.getResourceAsStream("/" + VECTOR_FILE)) {
            assertNotNull(in, "test resource " + VECTOR_FILE + " is on the classpath");
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    @Test
    void mulAgreesWithAnIndependentCarryLessMultiplyForAllPairs() {
        for (int a = 0; a < SIZE; a++) {
            for (int b = 0; b < SIZE; b++) {
                assertEquals(referenceProduct(a, b), Gf256.mul(a, b), () -> "mismatch in a product");
            }
        }
    }

    @Test
    void mulAgreesWithTheReferenceImplementationsMultiplicationTable() throws IOException {
        int[] table = parseTable(resourceText());
        assertEquals(0x64, table[SIZE * 0x21 + 0x12], "spot check documented in the vectors README");
        for (int a = 0; a < SIZE; a++) {
            for (int b = 0; b < SIZE; b++) {
                int expected = table[SIZE * a + b];
                int actual = Gf256.mul(a, b);
                if (expected != actual) {
                    assertEquals(expected, actual, "product of " + a + " and " + b);
                }
            }
        }
    }

    @Test
    void sharedVectorFileIsTheSameAsTheResourceCopyWhenPresent() throws IOException {
        List<Path> candidates = List.of(
                Path.of("../shared/vectors", VECTOR_FILE),
                Path.of("../../shared/vectors", VECTOR_FILE));
        Path found = candidates.stream().filter(Files::isRegularFile).findFirst().orElse(null);
        assumeTrue(found != null, "shared/vectors is not beside the repository in this checkout");
        assertArrayEquals(parseTable(resourceText()),
                parseTable(Files.readString(found, StandardCharsets.US_ASCII)));
    }

    @Test
    void mulIsCommutativeAndHasOneAsIdentityAndZeroAsAbsorbing() {
        for (int a = 0; a < SIZE; a++) {
            assertEquals(a, Gf256.mul(a, 1));
            assertEquals(0, Gf256.mul(a, 0));
            for (int b = 0; b < SIZE; b++) {
                assertEquals(Gf256.mul(a, b), Gf256.mul(b, a));
            }
        }
    }

    @Test
    void everyNonzeroElementTimesItsInverseIsOne() {
        for (int a = 1; a < SIZE; a++) {
            assertEquals(1, Gf256.mul(a, Gf256.inv(a)), "a * inv(a) for a = " + a);
        }
        assertEquals(0, Gf256.inv(0));
    }

    @Test
    void inverseIsABijectionOnNonzeroElements() {
        boolean[] seen = new boolean[SIZE];
        for (int a = 1; a < SIZE; a++) {
            int inverse = Gf256.inv(a);
            assertEquals(false, seen[inverse], "inverse hit twice");
            seen[inverse] = true;
            assertEquals(a, Gf256.inv(inverse));
        }
    }

    @Test
    void divisionUndoesMultiplication() {
        for (int a = 0; a < SIZE; a++) {
            for (int b = 1; b < SIZE; b++) {
                assertEquals(a, Gf256.div(Gf256.mul(a, b), b));
                assertEquals(a, Gf256.mul(Gf256.div(a, b), b));
            }
        }
    }

    @Test
    void divisionByZeroIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> Gf256.div(5, 0));
    }

    @Test
    void additionIsXorAndValuesOutsideTheFieldAreRejected() {
        assertEquals(0x53 ^ 0xCA, Gf256.add(0x53, 0xCA));
        assertEquals(0, Gf256.add(0x77, 0x77));
        assertThrows(IllegalArgumentException.class, () -> Gf256.mul(256, 1));
        assertThrows(IllegalArgumentException.class, () -> Gf256.mul(1, -1));
        assertThrows(IllegalArgumentException.class, () -> Gf256.add(300, 1));
        assertThrows(IllegalArgumentException.class, () -> Gf256.inv(-5));
    }
}
