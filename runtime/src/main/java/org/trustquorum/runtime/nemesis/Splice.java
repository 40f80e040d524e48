package org.trustquorum.runtime.nemesis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One proxied connection: the socket the dialer opened to the proxy ({@code down} side) and the
 * proxy's socket to the acceptor ({@code up} side), joined by two pumps (a reader and a writer
 * virtual thread per direction). The pumps copy bytes unchanged, in order; the link's faults decide
 * when a chunk may be written, whether it is withheld, and where the stream is cut.
 */
final class Splice {
    /** Largest chunk read at once. */
    private static final int BUFFER_BYTES = 16 * 1024;
    /** Chunks read and not yet written, per direction; a full queue stops reading (TCP pushes back). */
    private static final int QUEUE_CHUNKS = 256;
    /** How often a withheld direction looks whether it may go on. */
    private static final long HOLD_POLL_MS = 5;
    /** How long a writer waits for a chunk before it looks whether the splice is closed. */
    private static final long WRITER_POLL_MS = 100;

    private enum After { NOTHING, CLOSE, RESET }

    private record Chunk(byte[] bytes, long releaseNanos, After after, boolean eof) {}

    final long id;
    final long openedAtNanos = System.nanoTime();
    private final LinkProxy link;
    private final Socket down;
    private volatile Socket up;
    private volatile boolean closed;
    /** When the splice became a blackhole (stall or duplicate), or 0. */
    private volatile long blackholedAtNanos;
    /** A duplicate: the dialer side was cut on purpose, the acceptor side is kept. */
    private volatile boolean halfOpen;
    /** The dialer side was closed on purpose (flapping); errors on it end nothing else. */
    private volatile boolean cutting;
    /** When application data had passed both ways (both ends finished their handshakes), or 0. */
    private volatile long establishedAtNanos;
    private final boolean closeAfterHandshake;
    private final AtomicBoolean[] resetArmed = {new AtomicBoolean(), new AtomicBoolean()};
    private final AtomicBoolean[] sourceEnded = {new AtomicBoolean(), new AtomicBoolean()};
    private final boolean[] appData = new boolean[2];

    Splice(LinkProxy link, long id, Socket down, boolean closeAfterHandshake) {
        this.link = link;
        this.id = id;
        this.down = down;
        this.closeAfterHandshake = closeAfterHandshake;
    }

    /** Connects to the acceptor and starts the pumps; if the acceptor cannot be reached the dialer's socket is closed. */
    void start(InetSocketAddress target, int connectTimeoutMs) {
        Thread.ofVirtual().name("tq-nemesis-" + link.link().label() + "-" + id).start(() -> {
            Socket s = new Socket();
            try {
                down.setTcpNoDelay(true);
            } catch (IOException e) {
                // the dialer side is gone already (a flap cut it): the pumps will see that
            }
            try {
                s.setTcpNoDelay(true);
                s.connect(target, connectTimeoutMs);
            } catch (IOException e) {
                quietClose(s, true);
                close(false);
                return;
            }
            up = s;
            if (closed) {
                quietClose(s, false);
                return;
            }
            pump(Link.Direction.UP, down, s);
            pump(Link.Direction.DOWN, s, down);
        });
    }

    boolean isClosed() {
        return closed;
    }

    boolean isBlackholed() {
        return blackholedAtNanos != 0;
    }

    boolean isHalfOpen() {
        return halfOpen;
    }

    long blackholedAtNanos() {
        return blackholedAtNanos;
    }

    long establishedAtNanos() {
        return establishedAtNanos;
    }

    // ---- faults ----

    /** Stall: bytes are read and dropped both ways; each side stays open until its node closes it. */
    void blackhole() {
        if (blackholedAtNanos == 0) {
            blackholedAtNanos = System.nanoTime();
        }
    }

    /** Duplicate: cut the dialer side now, keep the acceptor side open and silent until the acceptor closes it. */
    void cutDialerSideKeepAcceptor() {
        halfOpen = true;
        blackhole();
        sourceEnded[Link.Direction.UP.ordinal()].set(true);
        quietClose(down, false);
        closeIfBothEnded();
    }

    /** Cuts the next chunk in {@code d} part-way, then resets both sockets. */
    void armReset(Link.Direction d) {
        resetArmed[d.ordinal()].set(true);
    }

    /** Flapping: close the dialer side now and the acceptor side {@code lagMs} later. */
    void cutWithLag(long lagMs) {
        cutting = true;
        quietClose(down, false);
        Thread.ofVirtual().start(() -> {
            sleepMs(lagMs);
            close(false);
        });
    }

    /** Closes both sides; {@code reset} sends RST instead of FIN. */
    void close(boolean reset) {
        if (closed) {
            return;
        }
        closed = true;
        quietClose(down, reset);
        Socket u = up;
        if (u != null) {
            quietClose(u, reset);
        }
        link.ended(this);
    }

    // ---- pumps ----

    private void pump(Link.Direction d, Socket from, Socket to) {
        BlockingQueue<Chunk> queue = new ArrayBlockingQueue<>(QUEUE_CHUNKS);
        Thread.ofVirtual().name("tq-nemesis-read-" + link.link().label() + "-" + id + "-" + d).start(() -> read(d, from, queue));
        Thread.ofVirtual().name("tq-nemesis-write-" + link.link().label() + "-" + id + "-" + d).start(() -> write(to, queue));
    }

    private void read(Link.Direction d, Socket from, BlockingQueue<Chunk> queue) {
        TlsRecordScanner scanner = new TlsRecordScanner();
        byte[] buf = new byte[BUFFER_BYTES];
        long lastRelease = 0;
        try {
            InputStream in = from.getInputStream();
            while (!closed) {
                holdWhileBlocked(d);
                int n = in.read(buf);
                if (n < 0) {
                    sourceClosed(d, queue);
                    return;
                }
                holdWhileBlocked(d);
                if (isBlackholed()) {
                    continue; // a blackhole reads (to see the close) and drops
                }
                int cut = n;
                After after = After.NOTHING;
                if (!scanner.sawApplicationData()) {
                    int end = scanner.feed(buf, 0, n);
                    if (end >= 0) {
                        applicationData(d);
                        if (d == Link.Direction.UP && closeAfterHandshake) {
                            cut = end;
                            after = After.CLOSE;
                        }
                    }
                }
                if (after == After.NOTHING && n >= 2 && resetArmed[d.ordinal()].compareAndSet(true, false)) {
                    cut = 1 + ThreadLocalRandom.current().nextInt(n - 1);
                    after = After.RESET;
                }
                long release = Math.max(lastRelease, System.nanoTime() + link.delayNanos(d));
                lastRelease = release;
                queue.put(new Chunk(Arrays.copyOf(buf, cut), release, after, false));
                if (after != After.NOTHING) {
                    return;
                }
            }
        } catch (IOException e) {
            if (cutting) {
                return; // the acceptor side is closed when the flap's lag is over
            }
            if (isBlackholed()) {
                sourceEnded[d.ordinal()].set(true);
                closeIfBothEnded();
            } else {
                close(true); // the source was reset (or failed): pass the reset on
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close(false);
        }
    }

    private void write(Socket to, BlockingQueue<Chunk> queue) {
        try {
            OutputStream out = to.getOutputStream();
            while (true) {
                Chunk c = queue.poll(WRITER_POLL_MS, TimeUnit.MILLISECONDS);
                if (c == null) {
                    if (closed) {
                        return;
                    }
                    continue;
                }
                if (c.eof()) {
                    to.shutdownOutput();
                    return;
                }
                long wait = c.releaseNanos() - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                if (closed || isBlackholed()) {
                    continue;
                }
                out.write(c.bytes());
                out.flush();
                switch (c.after()) {
                    case NOTHING -> { }
                    case CLOSE -> {
                        close(false);
                        return;
                    }
                    case RESET -> {
                        close(true);
                        return;
                    }
                }
            }
        } catch (IOException e) {
            if (!isBlackholed() && !cutting) {
                close(true);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close(false);
        }
    }

    private void holdWhileBlocked(Link.Direction d) throws InterruptedException {
        while (!closed && !isBlackholed() && link.blocked(d)) {
            Thread.sleep(HOLD_POLL_MS);
        }
    }

    private void sourceClosed(Link.Direction d, BlockingQueue<Chunk> queue) throws InterruptedException {
        sourceEnded[d.ordinal()].set(true);
        if (isBlackholed()) {
            closeIfBothEnded(); // a blackhole keeps the other side open until its node closes it too
            return;
        }
        queue.put(new Chunk(new byte[0], 0, After.NOTHING, true)); // pass the FIN on, after what is queued
        closeIfBothEnded();
    }

    private void closeIfBothEnded() {
        if (sourceEnded[0].get() && sourceEnded[1].get()) {
            close(false);
        }
    }

    private synchronized void applicationData(Link.Direction d) {
        appData[d.ordinal()] = true;
        if (appData[0] && appData[1] && establishedAtNanos == 0) {
            establishedAtNanos = System.nanoTime();
        }
    }

    private static void quietClose(Socket s, boolean reset) {
        try {
            if (reset && !s.isClosed()) {
                s.setSoLinger(true, 0);
            }
            s.close();
        } catch (IOException e) {
            // closing is all we wanted
        }
    }

    private static void sleepMs(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
