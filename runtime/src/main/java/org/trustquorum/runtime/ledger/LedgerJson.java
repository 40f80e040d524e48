package org.trustquorum.runtime.ledger;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.trustquorum.core.model.PersistentState;
import org.trustquorum.core.model.StoredNetworkConfig;

/**
 * JSON mapping of {@link PersistentState} and the checksum that seals a ledger copy.
 *
 * <p>The mapper reads and writes record <em>fields</em> only. The core records have helper
 * methods that Jackson would otherwise take for properties ({@code Epoch.isNone()} would add a
 * {@code "none"} field; {@code PersistentState.isExpunged()} would replace the expunged marker by a
 * boolean). Values are rebuilt through the records' canonical constructors, so the model's own
 * validation runs on load. Byte arrays are base64. Epochs are written as signed 64-bit JSON numbers
 * (their two's-complement value).
 *
 * <p>Fields added to {@link PersistentState} after the first release are left out while they are
 * null ({@link StateFieldsAddedLater}), so a ledger written before them loads with them absent and
 * its checksum, computed over the re-serialised state, still matches.
 */
final class LedgerJson {
    private LedgerJson() {}

    static final String CHECKSUM_ALGORITHM = "SHA-256";

    static final ObjectMapper MAPPER = JsonMapper.builder()
            .visibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE)
            .visibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY)
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .addMixIn(PersistentState.class, StateFieldsAddedLater.class)
            .build();

    /** Jackson mix-in: later additions to the state are written only when present. */
    private abstract static class StateFieldsAddedLater {
        @JsonInclude(JsonInclude.Include.NON_NULL)
        StoredNetworkConfig networkConfig;
    }

    /**
     * The bytes the checksum covers: the generation as 8 big-endian bytes, then the compact JSON of
     * the state with properties in alphabetical order. Computed from the parsed value, so the
     * layout of the file itself (spacing, field order) does not matter.
     */
    static byte[] canonicalBytes(long generation, PersistentState state) throws JsonProcessingException {
        return withGeneration(generation, MAPPER.writeValueAsBytes(state));
    }

    static byte[] checksum(long generation, PersistentState state) throws JsonProcessingException {
        return checksumOf(generation, MAPPER.writeValueAsBytes(state));
    }

    /** The checksum of a state already serialised as {@link #canonicalBytes} serialises it. */
    static byte[] checksumOf(long generation, byte[] stateJson) {
        try {
            return MessageDigest.getInstance(CHECKSUM_ALGORITHM).digest(withGeneration(generation, stateJson));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(CHECKSUM_ALGORITHM + " is required by every JDK", e);
        }
    }

    private static byte[] withGeneration(long generation, byte[] json) {
        return ByteBuffer.allocate(Long.BYTES + json.length).putLong(generation).put(json).array();
    }
}
