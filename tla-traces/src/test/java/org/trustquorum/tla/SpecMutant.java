package org.trustquorum.tla;

import java.util.List;

/**
 * A deliberately broken copy of spec/TrustQuorum.qnt: one exact text replacement (the original
 * text must occur exactly once) and the invariant that {@code quint run} must then find
 * violated. Each invariant in {@code safety} has at least one mutant, so none of them holds
 * vacuously. The exploration settings (step action, steps, samples, seed) keep each run short.
 */
record SpecMutant(
        String name, String invariant, String description, String step, int maxSteps, int maxSamples,
        String find, String replace) {

    static final String PROTOCOL = "protocolOnlyStep";
    static final String CONNECTIONS = "connectionOnlyStep";
    static final String PROXY = "proxyConnectionStep";

    static SpecMutant protocol(String name, String invariant, String description, String find, String replace) {
        return new SpecMutant(name, invariant, description, PROTOCOL, 25, 3000, find, replace);
    }

    static SpecMutant connections(String name, String invariant, String description, String find, String replace) {
        return new SpecMutant(name, invariant, description, CONNECTIONS, 12, 3000, find, replace);
    }

    static SpecMutant proxy(String name, String invariant, String description, String find, String replace) {
        return new SpecMutant(name, invariant, description, PROXY, 20, 3000, find, replace);
    }

    SpecMutant withSteps(int steps) {
        return new SpecMutant(name, invariant, description, step, steps, maxSamples, find, replace);
    }

    /** The mutated spec text; fails if the original text is not there exactly once. */
    String apply(String spec) {
        int first = spec.indexOf(find);
        if (first < 0 || spec.indexOf(find, first + 1) >= 0) {
            throw new IllegalStateException("mutant " + name + ": the text to replace must occur exactly once in"
                    + " TrustQuorum.qnt (found " + (first < 0 ? "none" : "several") + "): " + find);
        }
        return spec.substring(0, first) + replace + spec.substring(first + find.length());
    }

    static final List<SpecMutant> ALL = List.of(
            protocol("reconfigure_reuses_epoch", "oneConfigPerEpoch",
                    "the control plane may start a configuration for an epoch it already used",
                    "    not(isIssued(epoch)),\n",
                    ""),
            protocol("prepare_reaches_non_member", "onlyMembersHoldShares",
                    "a node accepts a Prepare for a configuration it is not a member of",
                    "    active(dst),\n    isMember(dst, epoch),\n",
                    "    active(dst),\n"),
            protocol("ack_before_persist", "ackedPrepareIsDurable",
                    "a member acks a prepare before its share is durable",
                    "    prepared(src, epoch),\n",
                    ""),
            protocol("commit_without_quorum", "commitNeedsQuorum",
                    "the control plane commits before K members acked",
                    "    acks.get(epoch).size() >= threshold(epoch),\n",
                    ""),
            protocol("commit_advance_skips_share", "committedHoldsShare",
                    "prepare-and-commit records the commit at once instead of computing the key share first",
                    "    shares' = shares,\n    committed' = committed,\n    expunged' = expunged,\n",
                    "    shares' = shares,\n    committed' = committed.setBy(node, c => c.union(Set(epoch))),\n"
                            + "    expunged' = expunged,\n"),
            protocol("stale_expunged_applied", "expungedStaysOut",
                    "Expunged(e) is applied although the node already knows a newer configuration",
                    "    epoch >= latestConfigEpoch(node),\n",
                    ""),
            protocol("prepare_and_commit_keeps_coordinating", "notCoordinatingAndComputing",
                    "prepare-and-commit starts computing a key share without stopping an older coordination",
                    "    coordinating' = coordinating.setBy(node, c => if (c <= epoch) 0 else c),\n"
                            + "    computing' = computing.set(node, epoch),\n",
                    "    coordinating' = coordinating,\n    computing' = computing.set(node, epoch),\n"),
            protocol("load_uncommitted", "unlockOnlyCommitted",
                    "the rack secret of a prepared but uncommitted epoch is loaded",
                    "    epoch == latestCommitted(node),\n    // only valid",
                    "    shares.get(node).contains(epoch),\n    // only valid"),
            protocol("load_below_threshold", "unlockedSecretsAgree",
                    "the loader rebuilds the secret before it has K shares",
                    "    from.size() >= threshold(epoch),\n",
                    "    from.size() >= 1,\n"),
            connections("duplicate_established", "atMostOneEstablished",
                    "review case 6: a second established incarnation for a peer does not close the first",
                    "if (old != 0 and old != inc and phaseOf(node, old) == \"established\")",
                    "if (false)"),
            connections("stale_exit_disconnects", "currentIncarnationIsLive",
                    "review case 4: the exit of an old incarnation disconnects the peer's newer one",
                    "current' = current.setBy(node, m => m.keys().mapBy(p => if (m.get(p) == inc) 0 else m.get(p))),",
                    "current' = current.setBy(node, m => m.keys().mapBy(p =>"
                            + " if (p == conns.get(node).get(inc).peer) 0 else m.get(p))),"),
            connections("established_after_exit", "exitsAtMostOnce",
                    "review case 5: a queued 'connected' of an incarnation that already exited is applied",
                    "    phaseOf(node, inc) == \"opened\",\n    conns.get(node).get(inc).peer == peer,\n",
                    "    hasInc(node, inc),\n"),
            connections("close_without_exit", "incarnationsEndWithExit",
                    "review case 3: a closed incarnation leaves the table without an exit event",
                    "conns' = conns.setBy(node, cs => cs.set(inc, cs.get(inc).with(\"phase\", \"closing\"))),",
                    "conns' = conns.setBy(node, cs => cs.keys().exclude(Set(inc)).mapBy(i => cs.get(i))),"),
            proxy("tracker_kept_on_exit", "trackerOnLiveIncarnation",
                    "review case 7: the exit of an incarnation does not fail the calls tracked against it",
                    "val failed = tracker.get(node).keys().filter(r => tracker.get(node).get(r).inc == inc)",
                    "val failed: Set[int] = Set()"),
            proxy("send_on_exited_connection", "trackerOnLiveIncarnation",
                    "review case 1: a call is sent (and tracked) on an incarnation that is not the live current one",
                    "      current.get(node).get(dest) == inc,\n      phaseOf(node, inc) == \"established\",\n",
                    "      hasInc(node, inc),\n"),
            proxy("late_response_completes_again", "proxyCompletesAtMostOnce",
                    "a late response completes a call that already completed",
                    "isTracked(node, req) and phaseOf(node, tracker.get(node).get(req).inc) == \"established\",",
                    "req >= 1 and req <= lastReq.get(node),"),
            proxy("crash_forgets_calls", "noLostProxyCalls",
                    "a crash drops the tracked calls without completing them",
                    "completed' = completed.setBy(node, c => c + tracker.get(node).keys().size()),",
                    "completed' = completed,").withSteps(10));
}
