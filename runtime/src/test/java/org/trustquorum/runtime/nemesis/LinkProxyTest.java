package org.trustquorum.runtime.nemesis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.trustquorum.core.model.NodeId;

/** The fault proxy of one link on plain loopback sockets: a test server plays the acceptor, a client socket the dialer. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LinkProxyTest {
    private static final long QUIET_MS = 300;
    private static final long WAIT_MS = 5_000;
    private static final Link LINK = new Link(1, NodeId.parse("TQ-SLED:SN0002"), 0, NodeId.parse("TQ-SLED:SN0001"));

    private ServerSocket acceptor;
    private final BlockingQueue<Socket> accepted = new LinkedBlockingQueue<>();
    private final List<Socket> opened = new ArrayList<>();
    private LinkProxy proxy;

    @BeforeEach
    void start() throws IOException {
        acceptor = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    accepted.add(acceptor.accept());
                }
            } catch (IOException e) {
                // closed at the end of the test
            }
        });
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        proxy = new LinkProxy(LINK, port, new InetSocketAddress(InetAddress.getLoopbackAddress(), acceptor.getLocalPort()));
        proxy.start();
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        acceptor.close();
        for (Socket s : opened) {
            s.close();
        }
        for (Socket s : accepted) {
            s.close();
        }
    }

    /** A dialer connection through the proxy and the acceptor's end of it. */
    private record Pair(Socket dialer, Socket acceptor) {}

    private Pair connect() throws IOException, InterruptedException {
        Socket d = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
        opened.add(d);
        Socket a = accepted.poll(WAIT_MS, TimeUnit.MILLISECONDS);
        assertTrue(a != null, "the proxy did not connect to the acceptor");
        opened.add(a);
        return new Pair(d, a);
    }

    private static byte[] readExactly(Socket s, int n) throws IOException {
        s.setSoTimeout((int) WAIT_MS);
        return s.getInputStream().readNBytes(n);
    }

    /** True if nothing arrives on {@code s} for {@link #QUIET_MS} (and it is not closed). */
    private static boolean quiet(Socket s) throws IOException {
        s.setSoTimeout((int) QUIET_MS);
        try {
            int b = s.getInputStream().read();
            return false;
        } catch (SocketTimeoutException e) {
            return true;
        }
    }

    /** Reads until the stream ends; returns what came, or throws if the connection is reset. */
    private static byte[] readToEnd(Socket s) throws IOException {
        s.setSoTimeout((int) WAIT_MS);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        InputStream in = s.getInputStream();
        byte[] buf = new byte[4096];
        int n;
        while ((n = in.read(buf)) >= 0) {
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    private static byte[] record(int type, int length) {
        byte[] r = new byte[5 + length];
        r[0] = (byte) type;
        r[1] = 3;
        r[2] = 3;
        r[3] = (byte) (length >>> 8);
        r[4] = (byte) length;
        for (int i = 5; i < r.length; i++) {
            r[i] = (byte) (i * 7);
        }
        return r;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    @Test
    void passesEveryByteBothWaysUnchanged() throws Exception {
        Pair p = connect();
        byte[] up = new byte[200_000];
        byte[] down = new byte[150_000];
        new Random(7).nextBytes(up);
        new Random(8).nextBytes(down);
        Thread w = Thread.ofVirtual().start(() -> {
            try {
                p.dialer().getOutputStream().write(up);
                p.acceptor().getOutputStream().write(down);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        assertArrayEquals(up, readExactly(p.acceptor(), up.length));
        assertArrayEquals(down, readExactly(p.dialer(), down.length));
        w.join();
        assertEquals(1, proxy.accepted());
    }

    @Test
    void aDelayHoldsEveryChunkOfItsDirectionOnly() throws Exception {
        Pair p = connect();
        proxy.apply(new LinkFault.Delay(Link.Direction.UP, 400, 0));
        long t0 = System.nanoTime();
        p.dialer().getOutputStream().write(new byte[] {1, 2, 3});
        assertArrayEquals(new byte[] {1, 2, 3}, readExactly(p.acceptor(), 3));
        assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(400), "the up direction was not delayed");
        long t1 = System.nanoTime();
        p.acceptor().getOutputStream().write(new byte[] {4});
        assertArrayEquals(new byte[] {4}, readExactly(p.dialer(), 1));
        assertTrue(System.nanoTime() - t1 < TimeUnit.MILLISECONDS.toNanos(400), "the down direction was delayed too");
    }

    @Test
    void aOneWayPartitionWithholdsBytesUntilTheHealAndLosesNone() throws Exception {
        Pair p = connect();
        proxy.apply(new LinkFault.OneWay(Link.Direction.UP));
        p.dialer().getOutputStream().write(new byte[] {9, 8, 7});
        p.acceptor().getOutputStream().write(new byte[] {5});
        assertArrayEquals(new byte[] {5}, readExactly(p.dialer(), 1), "the other direction must pass");
        assertTrue(quiet(p.acceptor()), "the blocked direction delivered bytes");
        proxy.heal();
        assertArrayEquals(new byte[] {9, 8, 7}, readExactly(p.acceptor(), 3));
    }

    @Test
    void aResetMidFrameDeliversPartOfAChunkThenResetsBothSides() throws Exception {
        Pair p = connect();
        proxy.apply(new LinkFault.ResetMidFrame(Link.Direction.UP));
        byte[] frame = record(23, 1000);
        p.dialer().getOutputStream().write(frame);
        byte[] got;
        try {
            got = readToEnd(p.acceptor());
        } catch (SocketException reset) {
            got = null; // the reset may overtake the partial chunk
        }
        if (got != null) {
            assertTrue(got.length >= 1 && got.length < frame.length, "expected a cut frame, got " + got.length + " bytes");
        }
        assertThrows(SocketException.class, () -> readToEnd(p.dialer()), "the dialer must see a reset");
    }

    @Test
    void closeAfterHandshakeForwardsUpToTheDialersFirstEncryptedRecordThenCloses() throws Exception {
        proxy.apply(new LinkFault.CloseAfterHandshake(WAIT_MS));
        Pair p = connect();
        byte[] hello = record(22, 40);
        byte[] finished = record(23, 30);
        byte[] after = record(23, 10);
        byte[] sent = concat(hello, finished, after);
        // split the records across writes so the scanner must follow them over chunk boundaries
        p.dialer().getOutputStream().write(sent, 0, 3);
        p.dialer().getOutputStream().flush();
        Thread.sleep(50);
        p.dialer().getOutputStream().write(sent, 3, sent.length - 3);
        assertArrayEquals(concat(hello, finished), readToEnd(p.acceptor()));
        assertEquals(-1, p.dialer().getInputStream().read(), "the dialer's side must be closed too");
    }

    @Test
    void aDuplicateCutsTheDialerSideKeepsTheAcceptorsAndIsReportedIfTheAcceptorKeepsIt() throws Exception {
        Pair old = connect();
        establish(old);
        proxy.apply(new LinkFault.Duplicate());
        assertEquals(0, readToEnd(old.dialer()).length, "the dialer's side must be closed");
        assertTrue(quiet(old.acceptor()), "the acceptor's side must stay open and silent");
        // the dialer connects again; application data both ways means both ends finished the handshake
        Pair fresh = connect();
        establish(fresh);
        awaitTrue(() -> !proxy.audit(Long.MAX_VALUE, 0, Long.MAX_VALUE).isEmpty());
        assertTrue(proxy.audit(Long.MAX_VALUE, 0, Long.MAX_VALUE).get(0).contains("duplicate connection"),
                proxy.audit(Long.MAX_VALUE, 0, Long.MAX_VALUE).toString());
        // the acceptor closes the old one (what a node does when the new connection replaces it): nothing left to report
        old.acceptor().close();
        awaitTrue(() -> proxy.audit(Long.MAX_VALUE, 0, Long.MAX_VALUE).isEmpty());
        awaitTrue(() -> proxy.view().oneEstablished());
    }

    @Test
    void aConnectionCutInItsHandshakeIsNoDuplicateButMustCloseWithinTheHandshakeBound() throws Exception {
        Pair old = connect(); // cut before any application data: its handshake never finished
        proxy.apply(new LinkFault.Duplicate());
        assertEquals(0, readToEnd(old.dialer()).length, "the dialer's side must be closed");
        Pair fresh = connect();
        establish(fresh);
        awaitTrue(() -> proxy.view().open() == 2);
        assertEquals(List.of(), proxy.audit(Long.MAX_VALUE, 0, Long.MAX_VALUE),
                "an acceptor still in the old handshake keeps no duplicate connection");
        List<String> late = proxy.audit(Long.MAX_VALUE, Long.MAX_VALUE, 0);
        assertEquals(1, late.size(), late.toString());
        assertTrue(late.get(0).contains("handshake timeout did not close it"), late.toString());
        old.acceptor().close(); // what the node's handshake timeout does
        awaitTrue(() -> proxy.audit(Long.MAX_VALUE, 0, 0).isEmpty());
    }

    /** Application data both ways: what the proxy takes as both ends having finished the handshake. */
    private static void establish(Pair p) throws IOException {
        p.dialer().getOutputStream().write(record(23, 4));
        readExactly(p.acceptor(), 9);
        p.acceptor().getOutputStream().write(record(23, 4));
        readExactly(p.dialer(), 9);
    }

    @Test
    void aStallDropsEverythingAndKeepsEachSideOpenUntilItsOwnerClosesIt() throws Exception {
        Pair p = connect();
        proxy.apply(new LinkFault.Stall());
        p.dialer().getOutputStream().write(new byte[] {1, 2});
        assertTrue(quiet(p.acceptor()));
        assertEquals(1, proxy.view().blackholed());
        p.dialer().close();
        assertTrue(quiet(p.acceptor()), "the dialer's close must not pass a blackhole");
        assertFalse(proxy.audit(0, Long.MAX_VALUE, Long.MAX_VALUE).isEmpty(), "a stall past its bound is reported");
        p.acceptor().close();
        awaitTrue(() -> proxy.view().open() == 0);
        assertTrue(proxy.audit(0, Long.MAX_VALUE, Long.MAX_VALUE).isEmpty());
        proxy.heal();
        Pair next = connect();
        next.dialer().getOutputStream().write(new byte[] {3});
        assertArrayEquals(new byte[] {3}, readExactly(next.acceptor(), 1), "new connections pass after a stall");
    }

    @Test
    void flappingCutsEveryNewConnectionDuringItsWindow() throws Exception {
        proxy.apply(new LinkFault.Flap(WAIT_MS, 0, 0));
        Pair p = connect();
        assertEquals(0, readToEnd(p.dialer()).length);
        assertEquals(0, readToEnd(p.acceptor()).length);
        proxy.heal();
        Pair q = connect();
        q.dialer().getOutputStream().write(new byte[] {6});
        assertArrayEquals(new byte[] {6}, readExactly(q.acceptor(), 1));
    }

    @Test
    void anAcceptorThatIsDownClosesTheDialersConnection() throws Exception {
        acceptor.close();
        Socket d = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
        opened.add(d);
        try {
            assertEquals(0, readToEnd(d).length);
        } catch (SocketException reset) {
            // a reset ends it as well; what matters is that the dialer is not left hanging
        }
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "condition not met within " + WAIT_MS + " ms");
            Thread.sleep(20);
        }
    }
}
