package org.trustquorum.runtime.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.trustquorum.runtime.log.RateLimitedLog;

/**
 * The black-box probe's flood, on loopback: {@value #FLOOD} TCP connections to a node's peer port
 * that never finish their TLS handshake (half send nothing, half a partial ClientHello), from
 * {@value #SOURCES} loopback addresses. A genuine node must still get in within
 * {@value #GENUINE_WITHIN_MS} ms, and every flood connection must be counted exactly once under a
 * cause and logged exactly once (a line of its own or a rate-limited summary's count).
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PeerHandshakeFloodTest {
    static final int FLOOD = 300;
    /** Flood sources 127.0.0.2 .. 127.0.0.(SOURCES+1); the genuine peer comes from 127.0.0.1. */
    static final int SOURCES = 10;
    static final long GENUINE_WITHIN_MS = 2_000;
    /** The production handshake timeout: the stalled handshakes the node admitted end with it. */
    static final long HANDSHAKE_TIMEOUT_MS = org.trustquorum.core.engine.EngineLimits.HANDSHAKE_TIMEOUT_MS;
    /** The start of a TLS record carrying a ClientHello, cut short. */
    private static final byte[] PARTIAL_CLIENT_HELLO = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xFC, 0x03, 0x03};
    private static final Pattern SUMMARY = Pattern.compile("^(\\d+) more TLS handshake failures");

    @TempDir
    Path dir;

    @Test
    void aGenuinePeerGetsInDuringAFloodAndEveryStalledHandshakeIsCountedAndLoggedOnce(Vertx vertx) throws Exception {
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        Logger guardLog = (Logger) LoggerFactory.getLogger(HandshakeGuard.class);
        guardLog.addAppender(lines);
        List<Socket> flood = new ArrayList<>();
        long startNanos = System.nanoTime();
        LocalCluster c = LocalCluster.startFirst(vertx, dir, 2, 1, LocalCluster.TEST_LIMITS);
        try {
            NodeVerticle a = c.node(1);
            // Before the flood: the same peer connects once, so the timed connection below pays no
            // one-time costs (class loading, the client's TLS context) that have nothing to do with the flood.
            FakePeer warmUp = FakePeer.connect(vertx, c.tls(2), a.address());
            LocalCluster.awaitTrue("the peer is connected before the flood", () -> c.connected(c.id(1), c.id(2)));
            warmUp.close();
            LocalCluster.awaitTrue("the peer left", () -> !c.connected(c.id(1), c.id(2)));
            for (int i = 0; i < FLOOD; i++) {
                Socket s = new Socket();
                // The first half from one address (its excess is refused at once), the rest spread
                // over all sources (they fill the total, and newcomers take the oldest slots).
                s.bind(new InetSocketAddress("127.0.0." + (2 + (i < FLOOD / 2 ? 0 : i % SOURCES)), 0));
                s.connect(new InetSocketAddress(a.address().host(), a.address().port()), (int) LocalCluster.WAIT.toMillis());
                if (i % 2 == 1) {
                    try {
                        s.getOutputStream().write(PARTIAL_CLIENT_HELLO);
                    } catch (IOException refusedAlready) {
                        // the node may have closed it at once; that is one of the outcomes we count
                    }
                }
                flood.add(s);
            }
            LocalCluster.awaitTrue("the node saw the whole flood", () -> a.metrics().connectionsAccepted.get() >= FLOOD);

            long dialNanos = System.nanoTime();
            FakePeer genuine = FakePeer.connect(vertx, c.tls(2), a.address());
            try {
                LocalCluster.awaitTrue("the genuine peer is connected", () -> c.connected(c.id(1), c.id(2)));
            } catch (AssertionError e) {
                StringBuilder b = new StringBuilder();
                for (HandshakeGuard.Failure f : HandshakeGuard.Failure.values()) {
                    b.append(f).append('=').append(a.metrics().handshakeFailures(f)).append(' ');
                }
                throw new AssertionError(e.getMessage() + "; " + b + " established=" + a.metrics().connectionsEstablished.get());
            }
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - dialNanos);
            assertTrue(tookMs <= GENUINE_WITHIN_MS, "the genuine peer got in after " + tookMs + " ms");

            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2 * HANDSHAKE_TIMEOUT_MS + LocalCluster.WAIT.toMillis());
            while (a.metrics().handshakeFailures.get() < FLOOD && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            Thread.sleep(1_000); // nothing more may come
            assertEquals(FLOOD, a.metrics().handshakeFailures.get(), "each flood connection counted once, the genuine one never");
            long byCause = 0;
            for (HandshakeGuard.Failure f : HandshakeGuard.Failure.values()) {
                byCause += a.metrics().handshakeFailures(f);
            }
            assertEquals(FLOOD, byCause);
            StringBuilder causes = new StringBuilder();
            for (HandshakeGuard.Failure f : HandshakeGuard.Failure.values()) {
                causes.append(' ').append(f.name().toLowerCase(java.util.Locale.ROOT)).append(' ').append(a.metrics().handshakeFailures(f));
            }
            System.out.println("PeerHandshakeFloodTest: the genuine peer got in " + tookMs + " ms after dialing, during a flood of "
                    + FLOOD + " stalled handshakes; failures by cause:" + causes);
            assertTrue(a.metrics().handshakeFailures(HandshakeGuard.Failure.REFUSED_SOURCE_BUSY) > 0, "per-source bound");
            assertTrue(a.metrics().handshakeFailures(HandshakeGuard.Failure.TIMEOUT) > 0, "stalled handshakes time out");
            String metrics = a.metrics().scrape();
            assertTrue(java.util.regex.Pattern.compile("^tq_handshake_failures_by_cause_total\\{cause=\"timeout\",[^}]*\\} "
                    + a.metrics().handshakeFailures(HandshakeGuard.Failure.TIMEOUT) + "(\\.0)?$", java.util.regex.Pattern.MULTILINE)
                    .matcher(metrics).find(), metrics);
            genuine.close();
        } finally {
            for (Socket s : flood) {
                s.close();
            }
            c.close(); // flushes the rate-limited log's summary
            guardLog.detachAppender(lines);
        }
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        int own = 0;
        long summarized = 0;
        for (ILoggingEvent e : lines.list) {
            String m = e.getFormattedMessage();
            Matcher s = SUMMARY.matcher(m);
            if (s.find()) {
                summarized += Long.parseLong(s.group(1));
            } else if (m.contains("TLS handshake on")) {
                own++;
            }
        }
        assertEquals(FLOOD, own + summarized, "every failure logged once: " + own + " lines, " + summarized + " in summaries");
        assertTrue(own <= RateLimitedLog.MAX_LINES_PER_WINDOW * (1 + elapsedMs / RateLimitedLog.WINDOW_MS),
                "rate-limited: " + own + " lines in " + elapsedMs + " ms");
    }
}
