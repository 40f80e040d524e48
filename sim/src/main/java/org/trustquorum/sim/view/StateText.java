package org.trustquorum.sim.view;

import java.util.ArrayList;
import java.util.List;

/**
 * Snapshots as text: a labelled line per part ({@code show}) and part-by-part differences
 * ({@code diff}). Only epochs and names appear: a snapshot holds no share or secret bytes.
 */
public final class StateText {
    private StateText() {}

    /** One labelled part of a state; {@code list} parts are compared item by item. */
    record Part(String label, List<String> items, boolean list) {
        String value() {
            if (!list) {
                return items.isEmpty() ? "" : items.get(0);
            }
            return items.isEmpty() ? "none" : String.join(", ", items);
        }
    }

    static List<Part> parts(Object state) {
        List<Part> out = new ArrayList<>();
        if (state instanceof NodeSnapshot n) {
            String status = n.up() ? "up (life " + n.life() + ")"
                    : n.life() == 0 && n.generation() == 0 && n.configs().isEmpty() ? "not booted or down"
                            : "down (life " + n.life() + " next)";
            out.add(scalar("status", status));
            out.add(scalar("ledger generation", Long.toString(n.generation())));
            out.add(list("configs", n.configs().stream().map(NodeSnapshot.ConfigView::toString).toList()));
            out.add(list("shares (epochs)", n.shares().stream().map(String::valueOf).toList()));
            out.add(list("commits", n.commits().stream().map(String::valueOf).toList()));
            out.add(scalar("expunged", n.expunged() == null ? "no" : "epoch " + n.expunged() + " (told by "
                    + n.expungedBy() + ")"));
            out.add(list("connected peers", n.connectedPeers()));
            out.add(n.protocolPeers().equals(n.connectedPeers()) ? scalar("protocol's peers", "the same")
                    : list("protocol's peers", n.protocolPeers()));
            out.add(list("connections", n.connections().stream().map(NodeSnapshot.ConnView::toString).toList()));
            out.add(scalar("coordinating", n.coordinator() == null ? "no" : n.coordinator().toString()));
            out.add(scalar("computing share", n.computing() == 0 ? "no" : "epoch " + n.computing()));
            out.add(list("loaded secrets (epochs)", n.loaded().stream().map(String::valueOf).toList()));
            out.add(list("proxy tracker", n.tracker().stream().map(NodeSnapshot.TrackedView::toString).toList()));
            out.add(list("pending calls", n.pendingCalls().stream().map(NodeSnapshot.CallView::toString).toList()));
        } else if (state instanceof CpSnapshot c) {
            out.add(scalar("status", c.up() ? "up (life " + c.life() + ")" : "down (life " + c.life() + " next)"));
            out.add(scalar("latest committed", c.committedEpoch() == 0 ? "none"
                    : "epoch " + c.committedEpoch() + " members " + String.join(" ", c.committedMembers())));
            out.add(scalar("attempt", c.attempt() == null ? "none (idle)" : c.attempt().toString()));
            out.add(scalar("calls in flight", Integer.toString(c.inFlightCalls())));
            out.add(list("removed (expunged)", c.removed()));
        }
        return out;
    }

    private static Part scalar(String label, String value) {
        return new Part(label, List.of(value), false);
    }

    private static Part list(String label, List<String> items) {
        return new Part(label, List.copyOf(items), true);
    }

    /** One line per part: {@code label: value}. */
    public static List<String> lines(Object state) {
        List<String> out = new ArrayList<>();
        for (Part p : parts(state)) {
            out.add(p.label() + ": " + p.value());
        }
        return out;
    }

    /** The parts that differ: scalars as {@code label: old -> new}, lists as added (+) and removed (-) items. */
    public static List<String> diff(Object before, Object after) {
        List<String> out = new ArrayList<>();
        List<Part> a = parts(before);
        List<Part> b = parts(after);
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            Part x = a.get(i);
            Part y = b.get(i);
            if (x.items().equals(y.items())) {
                continue;
            }
            if (!x.list()) {
                out.add(x.label() + ": " + x.value() + " -> " + y.value());
                continue;
            }
            List<String> changes = new ArrayList<>();
            for (String s : x.items()) {
                if (!y.items().contains(s)) {
                    changes.add("-" + s);
                }
            }
            for (String s : y.items()) {
                if (!x.items().contains(s)) {
                    changes.add("+" + s);
                }
            }
            out.add(x.label() + ": " + String.join(", ", changes));
        }
        return out;
    }
}
