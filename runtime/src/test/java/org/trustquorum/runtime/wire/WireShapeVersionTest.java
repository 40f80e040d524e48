package org.trustquorum.runtime.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The wire version must change whenever the wire shape does. The shape is the class-id table of
 * {@link WireRegistry} with, for each registered record, its components' names and types in order,
 * and for each enum its constants: exactly what two nodes must agree on to read each other's
 * frames. Its digest is pinned here per wire version.
 */
class WireShapeVersionTest {
    /** The shape digest each released wire version was made with. */
    private static final Map<Integer, String> SHAPE_OF_VERSION = Map.of(
            1, "26566e6112b8b97351d3a6e073686f14aac7d073a0b8105cc5726ede8c5a7b7c",
            // 2: configurations, commits and Expunged carry the control plane's signatures
            2, "0539de6d1e8903864e127bdfa13fa2b9d5e2fafd85ceb09c49b00faa5f5b27b6");

    static String shapeDigest() throws Exception {
        StringBuilder shape = new StringBuilder();
        Map<Integer, Class<?>> byId = new TreeMap<>();
        WireRegistry.table().forEach((c, id) -> byId.put(id, c));
        byId.forEach((id, c) -> {
            shape.append(id).append(' ').append(c.getName());
            if (c.isRecord()) {
                for (RecordComponent rc : c.getRecordComponents()) {
                    shape.append(' ').append(rc.getName()).append(':').append(rc.getGenericType().getTypeName());
                }
            } else if (c.isEnum()) {
                shape.append(' ').append(Arrays.toString(c.getEnumConstants()));
            }
            shape.append('\n');
        });
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(shape.toString().getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theWireShapeMatchesTheOneItsVersionWasMadeWith() throws Exception {
        assertEquals(SHAPE_OF_VERSION.get(WireVersion.CURRENT), shapeDigest(),
                "the wire shape (WireRegistry's table, message fields) changed: increment WireVersion.CURRENT and pin the new "
                        + "digest for it in SHAPE_OF_VERSION, so that nodes of the two shapes refuse each other instead of misreading frames");
    }
}
