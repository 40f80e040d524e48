package org.trustquorum.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.status.Status;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Both Logback configurations the node can run with parse without a single error, and their
 * encoders write what docs/OPERATIONS.md promises: an ISO-8601 time with date and zone and the
 * MDC (text), one JSON object per line with the MDC (json).
 */
class LogFormatTest {
    private static LoggerContext configured(LogFormat format) throws Exception {
        LoggerContext ctx = new LoggerContext();
        JoranConfigurator j = new JoranConfigurator();
        j.setContext(ctx);
        j.doConfigure(LogFormatTest.class.getResource("/" + format.resource()));
        for (Status s : ctx.getStatusManager().getCopyOfStatusList()) {
            assertTrue(s.getLevel() < Status.WARN, format + ": " + s);
        }
        return ctx;
    }

    @SuppressWarnings("unchecked")
    private static String encode(LoggerContext ctx) {
        OutputStreamAppender<ILoggingEvent> stderr =
                (OutputStreamAppender<ILoggingEvent>) ctx.getLogger("ROOT").getAppender("STDERR");
        Encoder<ILoggingEvent> encoder = stderr.getEncoder();
        LoggingEvent e = new LoggingEvent("x", ctx.getLogger("org.trustquorum.runtime.node.NodeVerticle"),
                ch.qos.logback.classic.Level.INFO, "connected {}", null, new Object[] {"incarnation 3"});
        e.setMDCPropertyMap(Map.of("node", "TQ-SLED:SN0001", "epoch", "2", "peer", "TQ-SLED:SN0002"));
        return new String(encoder.encode(e), StandardCharsets.UTF_8);
    }

    @Test
    void textLinesCarryAnIsoTimeWithDateAndZoneAndTheMdc() throws Exception {
        String line = encode(configured(LogFormat.TEXT));
        assertTrue(line.matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}(Z|[+-]\\d{2}:\\d{2}) INFO .*\\R"), line);
        assertTrue(line.contains("node=TQ-SLED:SN0001") && line.contains("epoch=2") && line.contains("peer=TQ-SLED:SN0002"), line);
        assertTrue(line.contains(" - connected incarnation 3"), line);
    }

    @Test
    void jsonLinesAreOneObjectWithTheMdcAndTheFormattedMessage() throws Exception {
        String line = encode(configured(LogFormat.JSON));
        assertEquals(1, line.strip().lines().count(), line);
        JsonNode event = new ObjectMapper().readTree(line);
        assertEquals("INFO", event.path("level").asText());
        assertEquals("connected incarnation 3", event.path("formattedMessage").asText());
        assertEquals("TQ-SLED:SN0001", event.path("mdc").path("node").asText());
        assertEquals("2", event.path("mdc").path("epoch").asText());
        assertTrue(event.path("timestamp").asLong() > 0);
        assertTrue(!event.has("arguments"), "arguments are not repeated next to the formatted message");
    }

    @Test
    void theJsonFormatIsChosenBeforeTheFirstLogger() {
        String key = LogFormat.LOGBACK_CONFIGURATION_PROPERTY;
        String before = System.getProperty(key);
        try {
            System.clearProperty(key);
            LogFormat.chooseBeforeFirstLogger(new String[] {"node", "--config", "x.json", "--log-format", "json"});
            assertEquals("logback-json.xml", System.getProperty(key));
            System.clearProperty(key);
            LogFormat.chooseBeforeFirstLogger(new String[] {"node", "--log-format=text"});
            assertEquals(null, System.getProperty(key));
        } finally {
            if (before == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, before);
            }
        }
    }
}
