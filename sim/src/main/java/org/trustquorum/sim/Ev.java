package org.trustquorum.sim;

import org.trustquorum.core.controlplane.CpReply;
import org.trustquorum.core.engine.ApiRequest;
import org.trustquorum.core.engine.ExitCause;
import org.trustquorum.core.msg.WireMsg;
import org.trustquorum.sim.scenario.Entry;

/** Something that happens at a virtual time. Events about a node carry its life, so events of a crashed life are ignored. */
abstract sealed class Ev {
    final long at;
    long seq;

    Ev(long at) {
        this.at = at;
    }

    /** The node's engine timer (one armed timer per node; {@code token} tells stale ones apart). */
    static final class Timer extends Ev {
        final SimNode node;
        final int life;
        final long token;

        Timer(long at, SimNode node, int life, long token) {
            super(at);
            this.node = node;
            this.life = life;
            this.token = token;
        }
    }

    /** A dial reached the acceptor: it accepts the socket (allocates its incarnation). */
    static final class Accept extends Ev {
        final SimConn conn;

        Accept(long at, SimConn conn) {
            super(at);
            this.conn = conn;
        }
    }

    /** The handshake of a connection completed: both ends will learn it. */
    static final class Handshake extends Ev {
        final SimConn conn;

        Handshake(long at, SimConn conn) {
            super(at);
            this.conn = conn;
        }
    }

    /** One end learns its connection is established. */
    static final class Establish extends Ev {
        final SimConn.End end;

        Establish(long at, SimConn.End end) {
            super(at);
            this.end = end;
        }
    }

    /** One end learns its connection is gone. */
    static final class Exit extends Ev {
        final SimConn.End end;
        final ExitCause cause;

        Exit(long at, SimConn.End end, ExitCause cause) {
            super(at);
            this.end = end;
            this.cause = cause;
        }
    }

    /** The frames queued in one direction leave the sender. */
    static final class Flush extends Ev {
        final SimConn conn;
        final int dir;
        final long token;

        Flush(long at, SimConn conn, int dir, long token) {
            super(at);
            this.conn = conn;
            this.dir = dir;
            this.token = token;
        }
    }

    /** A frame reaches the receiving end. */
    static final class Arrive extends Ev {
        final SimConn conn;
        final int dir;
        final WireMsg msg;
        /** The frame's place in its direction's byte stream (the network model checks FIFO with it). */
        final long wireSeq;

        Arrive(long at, SimConn conn, int dir, WireMsg msg, long wireSeq) {
            super(at);
            this.conn = conn;
            this.dir = dir;
            this.msg = msg;
            this.wireSeq = wireSeq;
        }
    }

    /** A one-way partition may have healed: held frames of one direction are delivered in order. */
    static final class Release extends Ev {
        final SimConn conn;
        final int dir;
        final long token;

        Release(long at, SimConn conn, int dir, long token) {
            super(at);
            this.conn = conn;
            this.dir = dir;
            this.token = token;
        }
    }

    /** An API call reaches a node. */
    static final class ApiCall extends Ev {
        final SimNode node;
        final long replyId;
        final ApiRequest request;
        final CallOrigin origin;

        ApiCall(long at, SimNode node, long replyId, ApiRequest request, CallOrigin origin) {
            super(at);
            this.node = node;
            this.replyId = replyId;
            this.request = request;
            this.origin = origin;
        }
    }

    /** The answer to a control-plane call reaches the control plane. */
    static final class CpAnswer extends Ev {
        final int cpLife;
        final CallOrigin.ControlPlane call;
        final CpReply reply;

        CpAnswer(long at, int cpLife, CallOrigin.ControlPlane call, CpReply reply) {
            super(at);
            this.cpLife = cpLife;
            this.call = call;
            this.reply = reply;
        }
    }

    /** The control plane's pass timer. */
    static final class CpTimer extends Ev {
        final int cpLife;
        final long token;

        CpTimer(long at, int cpLife, long token) {
            super(at);
            this.cpLife = cpLife;
            this.token = token;
        }
    }

    /** A schedule entry takes effect (or is retried). */
    static final class ScheduleEntry extends Ev {
        final Entry entry;

        ScheduleEntry(long at, Entry entry) {
            super(at);
            this.entry = entry;
        }
    }

    /** A crashed node comes back. */
    static final class Restart extends Ev {
        final SimNode node;
        final int life;

        Restart(long at, SimNode node, int life) {
            super(at);
            this.node = node;
            this.life = life;
        }
    }

    /** The crashed control plane comes back. */
    static final class CpRestart extends Ev {
        final int cpLife;

        CpRestart(long at, int cpLife) {
            super(at);
            this.cpLife = cpLife;
        }
    }

    /** An armed mid-step crash that found no persisting step in time hits between events instead. */
    static final class CrashFallback extends Ev {
        final SimNode node;
        final int life;

        CrashFallback(long at, SimNode node, int life) {
            super(at);
            this.node = node;
            this.life = life;
        }
    }

    /** A LoadRackSecret that answered "collecting" is asked again. */
    static final class LoadRetry extends Ev {
        final SimNode node;
        final CallOrigin.Load load;

        LoadRetry(long at, SimNode node, CallOrigin.Load load) {
            super(at);
            this.node = node;
            this.load = load;
        }
    }

    /** Checks that a proxy call was answered by its deadline. */
    static final class ProxyDeadline extends Ev {
        final SimNode node;
        final int life;
        final long replyId;
        final long issuedAt;

        ProxyDeadline(long at, SimNode node, int life, long replyId, long issuedAt) {
            super(at);
            this.node = node;
            this.life = life;
            this.replyId = replyId;
            this.issuedAt = issuedAt;
        }
    }

    /** Checks that an end that lost a frame has exited by the bound. */
    static final class LossDeadline extends Ev {
        final SimConn.End end;

        LossDeadline(long at, SimConn.End end) {
            super(at);
            this.end = end;
        }
    }

    /** Periodic check that every established connection carries pings. */
    static final class KeepaliveSweep extends Ev {
        KeepaliveSweep(long at) {
            super(at);
        }
    }

    /** A hostile certificate holder sends one forged frame (hostile runs, safety phase only). */
    static final class Forge extends Ev {
        Forge(long at) {
            super(at);
        }
    }

    /** End of the safety phase: faults stop, everything heals. */
    static final class Heal extends Ev {
        Heal(long at) {
            super(at);
        }
    }

    /** Liveness phase: check convergence, ask for secrets. */
    static final class LivenessPoll extends Ev {
        LivenessPoll(long at) {
            super(at);
        }
    }
}
