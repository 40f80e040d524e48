package org.trustquorum.runtime.nemesis;

/**
 * What the chaos driver can do to one link ({@link LinkProxy#apply}). Faults that change how bytes
 * flow ({@link Delay}, {@link OneWay}) hold until the next {@link Pass} or the round's heal; the
 * others act on the connections of the moment ({@link ResetMidFrame}, {@link Stall},
 * {@link Duplicate}) or on the connections accepted during a window ({@link CloseAfterHandshake},
 * {@link Flap}). TLS passes through untouched: the proxy only delays, withholds, cuts or closes
 * the byte stream, it never alters a byte.
 */
public sealed interface LinkFault {

    /** One line for the printed schedule. */
    String describe();

    /** Bytes flow again in both directions without delay; windows end. Connections already stalled stay stalled. */
    record Pass() implements LinkFault {
        @Override
        public String describe() {
            return "pass";
        }
    }

    /** Every chunk in {@code direction} (null: both) is held {@code fixedMs} plus up to {@code jitterMs}, in order. */
    record Delay(Link.Direction direction, long fixedMs, long jitterMs) implements LinkFault {
        @Override
        public String describe() {
            return "delay " + fixedMs + (jitterMs > 0 ? "+0.." + jitterMs : "") + " ms " + dir(direction);
        }
    }

    /**
     * The current connections become a blackhole: bytes are read and thrown away in both
     * directions, each socket stays open until its node closes it (its keepalive gives up after
     * 10 s without a frame). New connections on the link pass.
     */
    record Stall() implements LinkFault {
        @Override
        public String describe() {
            return "stall the current connection until keepalive closes it";
        }
    }

    /** Bytes in {@code blocked} are withheld (not read, so TCP pushes back) until the heal; the other direction passes. */
    record OneWay(Link.Direction blocked) implements LinkFault {
        @Override
        public String describe() {
            return "one-way partition, " + blocked.text + " blocked";
        }
    }

    /** The next chunk in {@code direction} on each current connection is cut part-way, then both sockets are reset (RST). */
    record ResetMidFrame(Link.Direction direction) implements LinkFault {
        @Override
        public String describe() {
            return "reset mid-frame " + dir(direction);
        }
    }

    /** Each connection accepted during {@code windowMs} is closed right after the dialer's first encrypted record (its handshake). */
    record CloseAfterHandshake(long windowMs) implements LinkFault {
        @Override
        public String describe() {
            return "close right after the handshake, for " + windowMs + " ms";
        }
    }

    /**
     * The dialer's side of the current connections is closed while the acceptor's side is kept
     * open (and silent): the dialer connects again and the acceptor sees a second connection from
     * an established peer.
     */
    record Duplicate() implements LinkFault {
        @Override
        public String describe() {
            return "duplicate connection (dialer side cut, acceptor side kept open)";
        }
    }

    /**
     * For {@code windowMs}, every connection on the link is cut {@code 0..maxLifeMs} after it
     * opens; its acceptor side is closed up to {@code maxCloseLagMs} later, so the dialer's next
     * connection races the old one's close.
     */
    record Flap(long windowMs, long maxLifeMs, long maxCloseLagMs) implements LinkFault {
        @Override
        public String describe() {
            return "flap for " + windowMs + " ms (each connection lives 0.." + maxLifeMs + " ms, acceptor side closed up to "
                    + maxCloseLagMs + " ms later)";
        }
    }

    private static String dir(Link.Direction d) {
        return d == null ? "both ways" : d.text;
    }
}
