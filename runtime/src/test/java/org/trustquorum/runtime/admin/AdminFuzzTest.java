package org.trustquorum.runtime.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.nio.charset.StandardCharsets;
import org.trustquorum.core.engine.ApiRequest;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.NodeIdRule;

/**
 * Coverage-guided fuzzing of the admin API's request layer ({@link AdminProtocol#parseBody}: JSON
 * reading, strict field checks and the model's validation), called directly without HTTP.
 *
 * <p>For every input: either a request comes out, of the kind the route carries, which the
 * client-side mapping turns back into a body that parses to the same request; or the refusal is
 * one of the documented ones (400 {@code MalformedJson}, 400 {@code BadRequest}, 413
 * {@code PayloadTooLarge}) with a message of bounded length, in printable ASCII and without a
 * Java class, record or method name. Nothing else may escape. Seeds include the black-box probe's
 * node ids (a Cyrillic look-alike, NUL, emoji, zero-width and bidirectional characters, empty and
 * overlong parts).
 *
 * <p>{@link #nodeId} fuzzes the node id rule itself: any text either is a valid id (visible ASCII
 * within the bounds, and its text form round-trips) or is refused with a printable message.
 *
 * <p>Input layout: byte 0 picks the route (modulo the number of routes that take a body), bytes
 * 1.. are the body. Without {@code JAZZER_FUZZ} this replays the committed inputs under
 * {@code src/test/resources/org/trustquorum/runtime/admin/AdminFuzzTestInputs/admin/}.
 */
class AdminFuzzTest {
    /** The routes that are node API calls (all but metrics and health). */
    static final List<Route> CALL_ROUTES = Arrays.stream(Route.values())
            .filter(r -> r != Route.METRICS && r != Route.HEALTH).toList();

    /** The refusals the admin API documents for a request body, as "status code". */
    static final Set<String> DOCUMENTED_REFUSALS = Set.of("400 " + AdminProtocol.MALFORMED_JSON, "400 BadRequest",
            "413 " + AdminProtocol.PAYLOAD_TOO_LARGE);

    /** Longest refusal message: a message quotes at most a short excerpt of what it refuses. */
    static final int MAX_MESSAGE_CHARS = BadRequest.MAX_MESSAGE_CHARS;

    @FuzzTest(maxDuration = "10s")
    void admin(byte[] input) throws Exception {
        if (input.length == 0) {
            return;
        }
        Route route = CALL_ROUTES.get((input[0] & 0xFF) % CALL_ROUTES.size());
        byte[] body = Arrays.copyOfRange(input, 1, input.length);
        ApiRequest request;
        try {
            request = AdminProtocol.parseBody(route, body);
        } catch (BadRequest refused) {
            assertTrue(DOCUMENTED_REFUSALS.contains(refused.status() + " " + refused.code()),
                    "undocumented refusal " + refused.status() + " " + refused.code());
            assertNotNull(refused.getMessage());
            assertFalse(refused.getMessage().isBlank());
            assertTrue(refused.getMessage().length() <= MAX_MESSAGE_CHARS,
                    "a refusal message of " + refused.getMessage().length() + " characters");
            RefusalWordingTest.assertPlain(refused.getMessage());
            return;
        }
        assertNotNull(request);
        AdminProtocol.HttpCall call = AdminProtocol.toHttp(request);
        assertEquals(route.path, call.path(), "the request belongs to the route it came in on");
        byte[] again = call.body() == null ? null : ApiJson.MAPPER.writeValueAsBytes(call.body());
        AdminProtocol.HttpCall back = AdminProtocol.toHttp(AdminProtocol.parseBody(route, again));
        assertEquals(call.method(), back.method());
        assertEquals(call.body(), back.body(), "what the client writes, the server reads back the same");
        if (request instanceof ApiRequest.Reconfigure r) {
            r.request().members().forEach(AdminFuzzTest::assertValidId);
        }
        if (request instanceof ApiRequest.Proxy p) {
            assertValidId(p.destination());
        }
    }

    private static void assertValidId(NodeId id) {
        assertTrue(id.toString().chars().allMatch(c -> c >= '!' && c <= '~'), "an accepted id is visible ASCII");
        assertTrue(id.toString().length() <= NodeIdRule.MAX_TEXT_CHARS);
    }

    /** Input: UTF-8 text (malformed sequences become U+FFFD) parsed as a node id. */
    @FuzzTest(maxDuration = "10s")
    void nodeId(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        NodeId id;
        try {
            id = NodeId.parse(text);
        } catch (IllegalArgumentException refused) {
            assertTrue(refused.getMessage().chars().allMatch(c -> c >= ' ' && c <= '~'), "printable: " + refused.getMessage());
            assertTrue(refused.getMessage().length() <= 4 * NodeIdRule.MAX_QUOTED_CHARS, "bounded message");
            return;
        }
        assertValidId(id);
        assertEquals(text, id.toString());
        assertEquals(id, NodeId.parse(id.toString()));
    }
}
