package org.trustquorum.core.engine;

import org.trustquorum.core.TestAuth;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.PersistentState;

/**
 * Several {@link NodeEngine}s on an in-memory network, for engine-level scenario tests. Frames
 * are delivered in FIFO order with no delay; time advances only to engine deadlines. Each engine
 * is driven through its {@link EngineHost}, as the real drivers do; this class supplies only the
 * I/O (a durable map, the in-memory links, one timer per node).
 */
final class ScriptedEngineCluster {
    static final int MAX_WORK_ITEMS = 2_000_000;

    /** One end of a link: a node and the incarnation it knows the connection by. */
    record End(NodeId node, long inc) {}

    static final class Link {
        final End a;
        final End b;
        boolean alive = true;

        Link(End a, End b) {
            this.a = a;
            this.b = b;
        }

        End other(End e) {
            return e.equals(a) ? b : a;
        }
    }

    final Map<NodeId, NodeEngine> engines = new TreeMap<>();
    final Map<NodeId, EngineHost> hosts = new TreeMap<>();
    /** Each node's armed timer ({@link Long#MAX_VALUE}: none). */
    final Map<NodeId, Long> timers = new TreeMap<>();
    final Map<NodeId, PeerAddress> addresses = new TreeMap<>();
    final Map<NodeId, PersistentState> durable = new TreeMap<>();
    final Map<End, Link> links = new java.util.HashMap<>();
    final Map<Long, Object> replies = new TreeMap<>();
    /** Node pairs whose traffic is blocked (bootstrap network partition). */
    final Set<String> blocked = new TreeSet<>();
    final Deque<Runnable> work = new ArrayDeque<>();
    long now;
    long nextReplyId = 1;
    /** The dialing end of the connection whose accept is being stepped, or null. */
    private End acceptingFor;

    ScriptedEngineCluster(List<NodeId> ids, long seed) {
        int i = 1;
        for (NodeId id : ids) {
            PeerAddress addr = new PeerAddress("10.0.0." + i++, 12345);
            addresses.put(id, addr);
            durable.put(id, PersistentState.EMPTY);
            NodeEngine engine = new NodeEngine(id, addr, PersistentState.EMPTY, EngineLimits.DEFAULTS,
                    new SplittableRandom(seed * 31 + i), TestAuth.AUTHORITY);
            engines.put(id, engine);
            hosts.put(id, new EngineHost(engine, io(id)));
            timers.put(id, Long.MAX_VALUE);
        }
        for (NodeId id : ids) {
            input(id, new Input.PeersChanged(Set.copyOf(addresses.values())));
        }
    }

    private NodeId byAddress(PeerAddress a) {
        for (var e : addresses.entrySet()) {
            if (e.getValue().equals(a)) {
                return e.getKey();
            }
        }
        throw new AssertionError("no node at " + a);
    }

    private static String pair(NodeId a, NodeId b) {
        return a.compareTo(b) < 0 ? a + "|" + b : b + "|" + a;
    }

    void block(NodeId a, NodeId b) {
        blocked.add(pair(a, b));
        for (Link l : List.copyOf(links.values())) {
            if (l.alive && pair(l.a.node(), l.b.node()).equals(pair(a, b))) {
                kill(l);
            }
        }
    }

    void unblock(NodeId a, NodeId b) {
        blocked.remove(pair(a, b));
    }

    /** Steps a node with an input now and performs what it asks. */
    void input(NodeId n, Input in) {
        hosts.get(n).step(in, now);
    }

    /** Issues an API call; returns its reply id. */
    long call(NodeId n, ApiRequest request) {
        long id = nextReplyId++;
        input(n, new Input.ApiCall(id, request));
        return id;
    }

    private EngineHost.Io io(NodeId n) {
        return new EngineHost.Io() {
            @Override
            public EngineHost.Durability persist(PersistentState state) {
                durable.put(n, state);
                return EngineHost.Durability.DURABLE;
            }

            @Override
            public void release(Output o) {
                perform(n, o);
            }

            @Override
            public void deadline(long atMs) {
                timers.put(n, atMs);
            }
        };
    }

    private void perform(NodeId n, Output o) {
        switch (o) {
            case Output.Dial d -> dial(n, d);
            case Output.Accepted a -> link(acceptingFor, new End(n, a.incarnation()));
            case Output.SendFrame f -> send(new End(n, f.incarnation()), f);
            case Output.CloseConn c -> {
                Link l = links.get(new End(n, c.incarnation()));
                if (l != null && l.alive) {
                    kill(l);
                } else if (l == null) {
                    work.add(() -> input(n, new Input.ConnExited(c.incarnation(), c.cause())));
                }
            }
            case Output.Reply r -> replies.put(r.replyId(), r.response());
            case Output.RaiseAlarm a -> throw new AssertionError(n + " raised " + a.alarm());
            case Output.PeerRefused r -> throw new AssertionError(n + " refused an honest frame: " + r);
            case Output.TraceEvent t -> { }
        }
    }

    private void dial(NodeId n, Output.Dial d) {
        NodeId target = byAddress(d.address());
        if (blocked.contains(pair(n, target))) {
            work.add(() -> input(n, new Input.ConnExited(d.incarnation(), ExitCause.DIAL_FAILED)));
            return;
        }
        acceptingFor = new End(n, d.incarnation());
        input(target, new Input.Accept());
        acceptingFor = null;
    }

    /** The acceptor's engine gave the connection its incarnation: both ends become established. */
    private void link(End dialer, End acceptor) {
        Link l = new Link(dialer, acceptor);
        links.put(dialer, l);
        links.put(acceptor, l);
        work.add(() -> {
            if (l.alive) {
                input(dialer.node(), new Input.ConnEstablished(dialer.inc(), acceptor.node()));
            }
        });
        work.add(() -> {
            if (l.alive) {
                input(acceptor.node(), new Input.ConnEstablished(acceptor.inc(), dialer.node()));
            }
        });
    }

    private void send(End from, Output.SendFrame f) {
        Link l = links.get(from);
        if (l == null || !l.alive) {
            return; // the exit of that incarnation is already on its way
        }
        End to = l.other(from);
        work.add(() -> {
            if (l.alive) {
                input(from.node(), new Input.FramesFlushed(from.inc(), 1));
                input(to.node(), new Input.FrameReceived(to.inc(), f.msg()));
            }
        });
    }

    private void kill(Link l) {
        l.alive = false;
        work.add(() -> input(l.a.node(), new Input.ConnExited(l.a.inc(), ExitCause.ABORTED)));
        work.add(() -> input(l.b.node(), new Input.ConnExited(l.b.inc(), ExitCause.ABORTED)));
    }

    /** Runs until the work queue is empty and no deadline falls at or before {@code untilMs}. */
    void runUntil(long untilMs) {
        int items = 0;
        while (true) {
            while (!work.isEmpty()) {
                if (++items > MAX_WORK_ITEMS) {
                    throw new AssertionError("cluster did not settle");
                }
                work.pollFirst().run();
            }
            long next = Long.MAX_VALUE;
            for (long at : timers.values()) {
                next = Math.min(next, at);
            }
            if (next > untilMs) {
                now = Math.max(now, untilMs);
                return;
            }
            now = Math.max(now, next);
            for (NodeId n : List.copyOf(timers.keySet())) {
                if (timers.get(n) <= now) {
                    timers.put(n, Long.MAX_VALUE); // it went off
                    input(n, new Input.TimerFired());
                }
            }
        }
    }

    /**
     * Every node stops at the same instant and starts again from its durable state, as in a
     * whole-rack power loss: connections, queued frames and memory are gone.
     */
    void coldStart(long seed) {
        links.clear();
        work.clear();
        int i = 1;
        for (NodeId id : ids()) {
            NodeEngine engine = new NodeEngine(id, addresses.get(id), durable.get(id), EngineLimits.DEFAULTS,
                    new SplittableRandom(seed * 31 + i++), TestAuth.AUTHORITY);
            engines.put(id, engine);
            hosts.put(id, new EngineHost(engine, io(id)));
            timers.put(id, Long.MAX_VALUE);
        }
        for (NodeId id : ids()) {
            input(id, new Input.PeersChanged(Set.copyOf(addresses.values())));
        }
    }

    void runFor(long ms) {
        runUntil(now + ms);
    }

    /** Every engine's own invariants. */
    void checkInvariants() {
        for (NodeEngine e : engines.values()) {
            e.checkInvariants();
        }
    }

    List<NodeId> ids() {
        return new ArrayList<>(engines.keySet());
    }
}
