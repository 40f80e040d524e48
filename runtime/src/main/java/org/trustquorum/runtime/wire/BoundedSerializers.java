package org.trustquorum.runtime.wire;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.trustquorum.core.model.KeyShare;

/**
 * Serializers for the variable-length values on the wire (byte arrays, strings, lists). Kryo's own
 * serializers allocate whatever a length prefix asks for; these check every prefix against the
 * bytes actually left in the frame first, so a hostile frame cannot make us allocate more than its
 * own size (times a small constant).
 *
 * <p>They only work on an {@link Input} that wraps a complete frame (no backing stream), which is
 * how {@link WireCodec} uses them.
 */
final class BoundedSerializers {
    private BoundedSerializers() {}

    /** Bytes left in the frame being read. */
    static int remaining(Input input) {
        if (input.getInputStream() != null) {
            throw new IllegalStateException("bounded serializers need an input over a complete frame");
        }
        return input.limit() - input.position();
    }

    /** Reads a non-negative length prefix and checks that at least {@code minBytesPerItem * length} bytes follow. */
    static int readLength(Input input, String what, int minBytesPerItem) {
        int length = input.readVarInt(true);
        if (length < 0) {
            throw new KryoException(what + " length prefix is negative");
        }
        int left = remaining(input);
        if ((long) length * minBytesPerItem > left) {
            throw new KryoException(what + " length " + length + " exceeds the " + left + " bytes left in the frame");
        }
        return length;
    }

    /** {@code byte[]}: varint length, then the bytes. */
    static final class ByteArray extends Serializer<byte[]> {
        ByteArray() {
            setImmutable(false);
        }

        @Override
        public void write(Kryo kryo, Output output, byte[] value) {
            output.writeVarInt(value.length, true);
            output.writeBytes(value);
        }

        @Override
        public byte[] read(Kryo kryo, Input input, Class<? extends byte[]> type) {
            int length = readLength(input, "byte array", 1);
            return input.readBytes(length);
        }
    }

    /** {@code String}: varint UTF-8 byte length, then strict UTF-8 (malformed input is an error). */
    static final class Utf8String extends Serializer<String> {
        Utf8String() {
            setImmutable(true);
        }

        @Override
        public void write(Kryo kryo, Output output, String value) {
            byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
            output.writeVarInt(utf8.length, true);
            output.writeBytes(utf8);
        }

        @Override
        public String read(Kryo kryo, Input input, Class<? extends String> type) {
            int length = readLength(input, "string", 1);
            byte[] utf8 = input.readBytes(length);
            try {
                return StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(utf8))
                        .toString();
            } catch (CharacterCodingException e) {
                throw new KryoException("string is not valid UTF-8");
            }
        }
    }

    /**
     * Lists: varint element count, then each element with its class id. Reads back an immutable
     * list (no nulls), or an {@link ArrayList} when that class was registered with this serializer
     * and was the one written.
     */
    @SuppressWarnings({"rawtypes", "unchecked"})
    static final class BoundedList extends Serializer<List> {
        BoundedList() {
            setAcceptsNull(false);
        }

        @Override
        public void write(Kryo kryo, Output output, List list) {
            output.writeVarInt(list.size(), true);
            for (Object element : list) {
                kryo.writeClassAndObject(output, element);
            }
        }

        @Override
        public List read(Kryo kryo, Input input, Class<? extends List> type) {
            // Every element takes at least one byte (its class id), so the count is bounded by the bytes left.
            int count = readLength(input, "list", 1);
            Object[] elements = new Object[count];
            for (int i = 0; i < count; i++) {
                Object element = kryo.readClassAndObject(input);
                if (element == null) {
                    throw new KryoException("list element " + i + " is null");
                }
                elements[i] = element;
            }
            if (type == ArrayList.class) {
                return new ArrayList<>(Arrays.asList(elements));
            }
            return List.of(elements);
        }
    }

    /**
     * {@link KeyShare}: x as a varint, then the 32 y bytes. Written through {@link KeyShare#yAt}
     * rather than the record accessor, which would leave an unwiped copy of the secret behind; the
     * temporary array used when reading is wiped once the share holds its own copy.
     */
    static final class KeyShareSerializer extends Serializer<KeyShare> {
        KeyShareSerializer() {
            setImmutable(true);
        }

        @Override
        public void write(Kryo kryo, Output output, KeyShare share) {
            output.writeVarInt(share.x(), true);
            for (int i = 0; i < KeyShare.SECRET_LENGTH_BYTES; i++) {
                output.writeByte(share.yAt(i));
            }
        }

        @Override
        public KeyShare read(Kryo kryo, Input input, Class<? extends KeyShare> type) {
            int x = input.readVarInt(true);
            if (remaining(input) < KeyShare.SECRET_LENGTH_BYTES) {
                throw new KryoException("key share is truncated");
            }
            byte[] y = input.readBytes(KeyShare.SECRET_LENGTH_BYTES);
            try {
                return new KeyShare(x, y);
            } finally {
                Arrays.fill(y, (byte) 0);
            }
        }
    }
}
