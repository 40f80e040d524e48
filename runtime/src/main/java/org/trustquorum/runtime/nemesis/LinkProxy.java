package org.trustquorum.runtime.nemesis;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The fault proxy of one link: listens on loopback where the dialer believes its peer is, and
 * splices every connection it accepts to the acceptor's real address. Steered by
 * {@link #apply(LinkFault)}; {@link #heal()} lets bytes flow freely again.
 */
public final class LinkProxy implements AutoCloseable {
    /** Time allowed to connect to the acceptor; a failure closes the dialer's connection. */
    public static final int CONNECT_TIMEOUT_MS = 2_000;
    /** Connections waiting to be accepted by the proxy. */
    private static final int ACCEPT_BACKLOG = 16;

    /** How one direction flows: its delay and whether it is withheld. */
    private record Flow(long fixedMs, long jitterMs, boolean blocked) {
        static final Flow FREE = new Flow(0, 0, false);
    }

    private final Link link;
    private final int port;
    private final InetSocketAddress target;
    private final Set<Splice> splices = ConcurrentHashMap.newKeySet();
    private final AtomicLong nextId = new AtomicLong(1);
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicReferenceArray<Flow> flows = new AtomicReferenceArray<>(new Flow[] {Flow.FREE, Flow.FREE});
    private volatile long closeAfterHandshakeUntilNanos;
    private volatile long flapUntilNanos;
    private volatile long flapMaxLifeMs;
    private volatile long flapMaxLagMs;
    private ServerSocket server;
    private volatile boolean closed;

    LinkProxy(Link link, int port, InetSocketAddress target) {
        this.link = link;
        this.port = port;
        this.target = target;
    }

    public Link link() {
        return link;
    }

    public int port() {
        return port;
    }

    /** Connections accepted since the start. */
    public long accepted() {
        return accepted.get();
    }

    /** Starts listening on 127.0.0.1:{@link #port()}. */
    void start() throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), ACCEPT_BACKLOG);
        server = s;
        Thread.ofVirtual().name("tq-nemesis-accept-" + link.label()).start(this::acceptLoop);
    }

    private void acceptLoop() {
        while (!closed) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            accepted.incrementAndGet();
            long now = System.nanoTime();
            Splice sp = new Splice(this, nextId.getAndIncrement(), s, now < closeAfterHandshakeUntilNanos);
            splices.add(sp);
            if (now < flapUntilNanos) {
                ThreadLocalRandom r = ThreadLocalRandom.current();
                long life = r.nextLong(flapMaxLifeMs + 1);
                long lag = r.nextLong(flapMaxLagMs + 1);
                Thread.ofVirtual().start(() -> {
                    try {
                        TimeUnit.MILLISECONDS.sleep(life);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    sp.cutWithLag(lag);
                });
            }
            sp.start(target, CONNECT_TIMEOUT_MS);
        }
    }

    /** Applies a fault to this link (see {@link LinkFault} for what each does). */
    public void apply(LinkFault fault) {
        long now = System.nanoTime();
        switch (fault) {
            case LinkFault.Pass p -> heal();
            case LinkFault.Delay d -> {
                Flow f = new Flow(d.fixedMs(), d.jitterMs(), false);
                setFlow(d.direction(), f);
            }
            case LinkFault.Stall s -> current().forEach(Splice::blackhole);
            case LinkFault.OneWay o -> setFlow(o.blocked(), new Flow(0, 0, true));
            case LinkFault.ResetMidFrame r -> {
                for (Splice sp : current()) {
                    if (r.direction() == null) {
                        sp.armReset(Link.Direction.UP);
                        sp.armReset(Link.Direction.DOWN);
                    } else {
                        sp.armReset(r.direction());
                    }
                }
            }
            case LinkFault.CloseAfterHandshake c ->
                    closeAfterHandshakeUntilNanos = now + TimeUnit.MILLISECONDS.toNanos(c.windowMs());
            case LinkFault.Duplicate dup -> current().forEach(Splice::cutDialerSideKeepAcceptor);
            case LinkFault.Flap f -> {
                flapMaxLifeMs = f.maxLifeMs();
                flapMaxLagMs = f.maxCloseLagMs();
                flapUntilNanos = now + TimeUnit.MILLISECONDS.toNanos(f.windowMs());
                ThreadLocalRandom r = ThreadLocalRandom.current();
                for (Splice sp : current()) {
                    sp.cutWithLag(r.nextLong(f.maxCloseLagMs() + 1));
                }
            }
        }
    }

    private void setFlow(Link.Direction d, Flow f) {
        if (d == null || d == Link.Direction.UP) {
            flows.set(Link.Direction.UP.ordinal(), f);
        }
        if (d == null || d == Link.Direction.DOWN) {
            flows.set(Link.Direction.DOWN.ordinal(), f);
        }
    }

    /** Bytes flow freely again; windows end. Stalled and half-open connections stay until their nodes close them. */
    public void heal() {
        flows.set(0, Flow.FREE);
        flows.set(1, Flow.FREE);
        closeAfterHandshakeUntilNanos = 0;
        flapUntilNanos = 0;
    }

    boolean blocked(Link.Direction d) {
        return flows.get(d.ordinal()).blocked();
    }

    long delayNanos(Link.Direction d) {
        Flow f = flows.get(d.ordinal());
        if (f.fixedMs() == 0 && f.jitterMs() == 0) {
            return 0;
        }
        long jitter = f.jitterMs() == 0 ? 0 : ThreadLocalRandom.current().nextLong(f.jitterMs() + 1);
        return TimeUnit.MILLISECONDS.toNanos(f.fixedMs() + jitter);
    }

    void ended(Splice s) {
        splices.remove(s);
    }

    private List<Splice> current() {
        return new ArrayList<>(splices);
    }

    /** What the link looks like now, for the checks. */
    public record View(int open, int blackholed, int halfOpen, boolean oneEstablished) {}

    public View view() {
        int open = 0;
        int black = 0;
        int half = 0;
        int established = 0;
        for (Splice s : current()) {
            if (s.isClosed()) {
                continue;
            }
            open++;
            if (s.isHalfOpen()) {
                half++;
            } else if (s.isBlackholed()) {
                black++;
            } else if (s.establishedAtNanos() != 0) {
                established++;
            }
        }
        return new View(open, black, half, open == 1 && established == 1);
    }

    /**
     * Problems seen from the proxy: a stalled connection the nodes' keepalive did not close in
     * time; a duplicate kept by the acceptor after the dialer's newer connection was established
     * through this link (only for an older connection that was itself established: one cut before
     * its handshake finished is no connection to the acceptor yet, and its handshake timeout must
     * close it within {@code handshakeBoundNanos} of the cut).
     */
    public List<String> audit(long stallBoundNanos, long duplicateBoundNanos, long handshakeBoundNanos) {
        long now = System.nanoTime();
        List<String> problems = new ArrayList<>();
        long newestEstablished = 0;
        for (Splice s : current()) {
            if (!s.isClosed() && !s.isBlackholed()) {
                newestEstablished = Math.max(newestEstablished, s.establishedAtNanos());
            }
        }
        for (Splice s : current()) {
            if (s.isClosed()) {
                continue;
            }
            if (s.isHalfOpen() && s.establishedAtNanos() == 0) {
                if (now - s.blackholedAtNanos() > handshakeBoundNanos) {
                    problems.add("link " + link.label() + ": " + link.acceptor() + " kept a connection from "
                            + link.dialer() + " whose handshake was cut open " + TimeUnit.NANOSECONDS.toMillis(now - s.blackholedAtNanos())
                            + " ms after the cut (its handshake timeout did not close it)");
                }
            } else if (s.isHalfOpen()) {
                if (newestEstablished != 0 && newestEstablished > s.blackholedAtNanos()
                        && now - newestEstablished > duplicateBoundNanos) {
                    problems.add("link " + link.label() + ": " + link.acceptor() + " kept an older connection from "
                            + link.dialer() + " open " + TimeUnit.NANOSECONDS.toMillis(now - newestEstablished)
                            + " ms after a newer one was established (a duplicate connection for an established peer)");
                }
            } else if (s.isBlackholed() && now - s.blackholedAtNanos() > stallBoundNanos) {
                problems.add("link " + link.label() + ": a stalled connection is still open "
                        + TimeUnit.NANOSECONDS.toSeconds(now - s.blackholedAtNanos()) + " s after the stall began (keepalive did not close it)");
            }
        }
        return problems;
    }

    @Override
    public void close() {
        closed = true;
        if (server != null) {
            try {
                server.close();
            } catch (IOException e) {
                // closing is all we wanted
            }
        }
        for (Splice s : current()) {
            s.close(false);
        }
    }
}
