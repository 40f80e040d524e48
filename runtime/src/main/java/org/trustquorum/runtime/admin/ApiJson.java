package org.trustquorum.runtime.admin;

import org.trustquorum.core.model.CpSignature;
import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.jsontype.NamedType;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.trustquorum.core.api.NodeError;
import org.trustquorum.core.crypto.RackSecret;
import org.trustquorum.core.engine.NetworkConfigGossip;
import org.trustquorum.core.engine.ProxyError;
import org.trustquorum.core.model.Alarm;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.KeyShare;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.RackId;
import org.trustquorum.core.model.Sha3Digest;
import org.trustquorum.core.model.Threshold;

/**
 * The JSON mapping of the admin API (and of node configuration files).
 *
 * <p>Like the ledger's mapping it reads and writes record <em>fields</em> only, so helper methods
 * of the core records ({@code Epoch.isNone()}, {@code NodeStatus.latestCommittedEpoch()}) never
 * turn into properties, and values are rebuilt through the records' canonical constructors (the
 * model's validation runs on input). Unlike the ledger it uses the forms people type and read:
 * node ids as {@code "PART:SERIAL"}, rack ids as UUID strings, epochs and thresholds as numbers,
 * digests as hex. Sealed error and alarm hierarchies carry a {@code "type"} property naming the
 * variant.
 *
 * <p>Secret material has no JSON form: serializing a {@link KeyShare} or a {@link RackSecret}
 * fails, so a programming mistake cannot put one on the wire of the admin API.
 */
public final class ApiJson {
    private ApiJson() {}

    /** Name of the property that names the variant of a sealed hierarchy. */
    public static final String TYPE_PROPERTY = "type";

    public static final ObjectMapper MAPPER = build();

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = TYPE_PROPERTY)
    private interface Typed {}

    private static ObjectMapper build() {
        SimpleModule m = new SimpleModule("trust-quorum-api");
        m.addSerializer(NodeId.class, new ToStringSerializer<>(NodeId.class));
        m.addDeserializer(NodeId.class, new TextDeserializer<>(NodeId.class, "a node id (PART:SERIAL)", NodeId::parse));
        m.addSerializer(RackId.class, new ToStringSerializer<>(RackId.class));
        m.addDeserializer(RackId.class, new TextDeserializer<>(RackId.class, "a rack id (UUID)", RackId::parse));
        m.addSerializer(Sha3Digest.class, new JsonSerializer<>() {
            @Override
            public void serialize(Sha3Digest v, JsonGenerator g, SerializerProvider p) throws IOException {
                g.writeString(v.hex());
            }
        });
        m.addDeserializer(Sha3Digest.class, new TextDeserializer<>(Sha3Digest.class, "a hex SHA3-256 digest",
                s -> new Sha3Digest(HexFormat.of().parseHex(s))));
        m.addSerializer(CpSignature.class, new JsonSerializer<>() {
            @Override
            public void serialize(CpSignature v, JsonGenerator g, SerializerProvider p) throws IOException {
                g.writeString(java.util.Base64.getEncoder().encodeToString(v.bytes()));
            }
        });
        m.addDeserializer(CpSignature.class, new TextDeserializer<>(CpSignature.class, "a base64 Ed25519 signature",
                s -> new CpSignature(java.util.Base64.getDecoder().decode(s))));
        m.addSerializer(Epoch.class, new JsonSerializer<>() {
            @Override
            public void serialize(Epoch v, JsonGenerator g, SerializerProvider p) throws IOException {
                if (v.value() >= 0) {
                    g.writeNumber(v.value());
                } else {
                    g.writeNumber(new BigInteger(Long.toUnsignedString(v.value())));
                }
            }
        });
        m.addDeserializer(Epoch.class, new JsonDeserializer<>() {
            @Override
            public Epoch deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
                return Epoch.of(parseEpoch(p, ctx));
            }
        });
        m.addSerializer(Threshold.class, new JsonSerializer<>() {
            @Override
            public void serialize(Threshold v, JsonGenerator g, SerializerProvider p) throws IOException {
                g.writeNumber(v.value());
            }
        });
        m.addDeserializer(Threshold.class, new JsonDeserializer<>() {
            @Override
            public Threshold deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
                if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) {
                    return (Threshold) ctx.handleUnexpectedToken(Threshold.class, p);
                }
                return Threshold.of(p.getIntValue());
            }
        });
        m.addSerializer(KeyShare.class, new Refused<>(KeyShare.class));
        m.addSerializer(RackSecret.class, new Refused<>(RackSecret.class));

        JsonMapper.Builder b = JsonMapper.builder()
                .visibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE)
                .visibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY)
                .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .addModule(m);
        for (Class<?> root : List.of(NodeError.class, Alarm.class, ProxyError.class, NetworkConfigGossip.UpdateError.class)) {
            b.addMixIn(root, Typed.class);
        }
        ObjectMapper mapper = b.build();
        for (Class<?> root : List.of(NodeError.class, Alarm.class, ProxyError.class, NetworkConfigGossip.UpdateError.class)) {
            for (Class<?> leaf : concreteVariants(root)) {
                mapper.registerSubtypes(new NamedType(leaf, leaf.getSimpleName()));
            }
        }
        return mapper;
    }

    /** The records of a sealed hierarchy, found through every level of sealed sub-interfaces. */
    public static List<Class<?>> concreteVariants(Class<?> sealedRoot) {
        List<Class<?>> out = new ArrayList<>();
        collect(sealedRoot, out);
        return out;
    }

    private static void collect(Class<?> c, List<Class<?>> out) {
        if (c.isRecord() || (!c.isInterface() && !c.isSealed())) {
            if (!out.contains(c)) {
                out.add(c);
            }
            return;
        }
        Class<?>[] permitted = c.getPermittedSubclasses();
        if (permitted == null) {
            return;
        }
        for (Class<?> p : permitted) {
            collect(p, out);
        }
    }

    /** The variant of {@code root} with this simple name, if there is one. */
    public static Class<?> variantNamed(Class<?> root, String name) {
        for (Class<?> c : concreteVariants(root)) {
            if (c.getSimpleName().equals(name)) {
                return c;
            }
        }
        return null;
    }

    /** The variant name of a sealed-hierarchy value ("NotPrepared", "Disconnected", ...). */
    public static String variantName(Object value) {
        return value.getClass().getSimpleName();
    }

    static long parseEpoch(JsonParser p, DeserializationContext ctx) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) {
            return (Long) ctx.handleUnexpectedToken(Long.class, p);
        }
        BigInteger v = p.getBigIntegerValue();
        if (v.signum() < 0 || v.bitLength() > Long.SIZE) {
            throw ctx.weirdNumberException(v, Epoch.class, "an epoch is an unsigned 64-bit integer");
        }
        return v.longValue();
    }

    private static final class ToStringSerializer<T> extends JsonSerializer<T> {
        private final Class<T> type;

        ToStringSerializer(Class<T> type) {
            this.type = type;
        }

        @Override
        public void serialize(T value, JsonGenerator g, SerializerProvider p) throws IOException {
            g.writeString(value.toString());
        }

        @Override
        public Class<T> handledType() {
            return type;
        }
    }

    private interface Parse<T> {
        T apply(String text);
    }

    private static final class TextDeserializer<T> extends JsonDeserializer<T> {
        private final Class<T> type;
        private final String what;
        private final Parse<T> parse;

        TextDeserializer(Class<T> type, String what, Parse<T> parse) {
            this.type = type;
            this.what = what;
            this.parse = parse;
        }

        @Override
        public T deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
            if (p.currentToken() != JsonToken.VALUE_STRING) {
                @SuppressWarnings("unchecked")
                T t = (T) ctx.handleUnexpectedToken(type, p);
                return t;
            }
            String text = p.getText();
            try {
                return parse.apply(text);
            } catch (IllegalArgumentException e) {
                throw ctx.weirdStringException(text, type, "expected " + what + ": " + e.getMessage());
            }
        }
    }

    /** Secret material: there is no JSON form for it. */
    private static final class Refused<T> extends JsonSerializer<T> {
        private final Class<T> type;

        Refused(Class<T> type) {
            this.type = type;
        }

        @Override
        public void serialize(T value, JsonGenerator g, SerializerProvider p) throws IOException {
            throw new com.fasterxml.jackson.databind.JsonMappingException(g,
                    type.getSimpleName() + " is secret material and is never written as JSON");
        }
    }
}
