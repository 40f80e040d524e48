package org.trustquorum.runtime.admin;

import org.trustquorum.core.model.CpSignature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.trustquorum.core.model.Configuration;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.RackId;

/**
 * Reads the fields of a JSON request body, with a message naming the field whenever one is
 * missing or has the wrong form. Unknown fields are refused too, so a typo is an error rather
 * than a silently ignored value.
 */
final class Fields {
    private final ObjectNode body;

    private Fields(ObjectNode body) {
        this.body = body;
    }

    /** The body as an object that has only the {@code allowed} fields. */
    static Fields of(JsonNode body, Set<String> allowed) throws BadRequest {
        if (body == null || !body.isObject()) {
            throw new BadRequest("the request body must be a JSON object");
        }
        Iterator<String> names = body.fieldNames();
        while (names.hasNext()) {
            String n = names.next();
            if (!allowed.contains(n)) {
                throw new BadRequest("unknown field '" + excerpt(n) + "' (expected " + String.join(", ", new java.util.TreeSet<>(allowed))
                        + ")");
            }
        }
        return new Fields((ObjectNode) body);
    }

    private JsonNode require(String name) throws BadRequest {
        JsonNode v = body.get(name);
        if (v == null || v.isNull()) {
            throw new BadRequest("missing field '" + name + "'");
        }
        return v;
    }

    boolean has(String name) {
        JsonNode v = body.get(name);
        return v != null && !v.isNull();
    }

    Epoch epoch(String name) throws BadRequest {
        JsonNode v = require(name);
        if (!v.isIntegralNumber()) {
            throw new BadRequest("field '" + name + "' must be an integer epoch");
        }
        BigInteger b = v.bigIntegerValue();
        if (b.signum() < 0 || b.bitLength() > Long.SIZE) {
            throw new BadRequest("field '" + name + "' must be an unsigned 64-bit integer");
        }
        return Epoch.of(b.longValue());
    }

    long nonNegativeLong(String name) throws BadRequest {
        JsonNode v = require(name);
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
            throw new BadRequest("field '" + name + "' must be a non-negative 64-bit integer");
        }
        return v.longValue();
    }

    int integer(String name) throws BadRequest {
        JsonNode v = require(name);
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new BadRequest("field '" + name + "' must be an integer");
        }
        return v.intValue();
    }

    String text(String name) throws BadRequest {
        JsonNode v = require(name);
        if (!v.isTextual()) {
            throw new BadRequest("field '" + name + "' must be a string");
        }
        return v.textValue();
    }

    NodeId nodeId(String name) throws BadRequest {
        return parseNodeId(text(name), "field '" + name + "'");
    }

    static NodeId parseNodeId(String text, String where) throws BadRequest {
        try {
            return NodeId.parse(text);
        } catch (IllegalArgumentException e) {
            throw new BadRequest(where + ": " + e.getMessage());
        }
    }

    RackId rackId(String name) throws BadRequest {
        String t = text(name);
        try {
            return RackId.parse(t);
        } catch (IllegalArgumentException e) {
            throw new BadRequest("field '" + name + "' must be a UUID, got '" + excerpt(t) + "'");
        }
    }

    List<NodeId> nodeIds(String name) throws BadRequest {
        JsonNode v = require(name);
        if (!v.isArray()) {
            throw new BadRequest("field '" + name + "' must be an array of node ids (\"PART:SERIAL\")");
        }
        if (v.size() > Configuration.MAX_MEMBERS) {
            throw new BadRequest("field '" + name + "' has " + v.size() + " entries; at most " + Configuration.MAX_MEMBERS
                    + " are allowed");
        }
        List<NodeId> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            JsonNode e = v.get(i);
            if (!e.isTextual()) {
                throw new BadRequest(name + "[" + i + "] must be a string \"PART:SERIAL\"");
            }
            out.add(parseNodeId(e.textValue(), name + "[" + i + "]"));
        }
        return out;
    }

    Configuration config(String name) throws BadRequest {
        JsonNode v = require(name);
        if (!v.isObject()) {
            throw new BadRequest("field '" + name + "' must be a configuration object");
        }
        try {
            return ApiJson.MAPPER.treeToValue(v, Configuration.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
            throw new BadRequest("field '" + name + "' is not a valid configuration: " + firstLine(e.getMessage()));
        }
    }

    /** An optional control-plane signature (base64 of 64 bytes); null when the field is absent. */
    CpSignature signature(String name) throws BadRequest {
        if (!has(name)) {
            return null;
        }
        byte[] b = base64(name);
        if (b.length != CpSignature.LENGTH_BYTES) {
            throw new BadRequest("field '" + name + "' must be a " + CpSignature.LENGTH_BYTES + "-byte signature");
        }
        return new CpSignature(b);
    }

    byte[] base64(String name) throws BadRequest {
        String t = text(name);
        try {
            return Base64.getDecoder().decode(t);
        } catch (IllegalArgumentException e) {
            throw new BadRequest("field '" + name + "' must be base64");
        }
    }

    /** Longest piece of a request quoted back in a refusal. */
    static final int MAX_QUOTED_CHARS = 64;

    /** What a refusal quotes of a value from the request: at most {@link #MAX_QUOTED_CHARS} characters. */
    static String excerpt(String s) {
        return s.length() <= MAX_QUOTED_CHARS ? s : s.substring(0, MAX_QUOTED_CHARS) + "...";
    }

    static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        int src = line.indexOf(" (through reference chain");
        return src < 0 ? line : line.substring(0, src);
    }
}
