package org.trustquorum.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.trustquorum.core.api.CommitStatus;
import org.trustquorum.core.api.ReconfigureRequest;
import org.trustquorum.core.auth.ControlPlaneKey;
import org.trustquorum.core.crypto.Digests;
import org.trustquorum.core.crypto.RackSecret;
import org.trustquorum.core.model.CommitProof;
import org.trustquorum.core.model.Configuration;
import org.trustquorum.core.model.CpSignature;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.KeyShare;
import org.trustquorum.core.model.Member;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.PersistentState;
import org.trustquorum.core.model.RackId;
import org.trustquorum.core.model.Threshold;
import org.trustquorum.core.msg.PeerMsg;
import org.trustquorum.core.msg.ProxyOp;
import org.trustquorum.core.msg.ProxyResult;
import org.trustquorum.core.msg.WireMsg;

/**
 * Hostile certificate holders of a run. Two simulated nodes are hostile: a spare that is not in the
 * initial configuration (a never-member, unless the scenario adds it) and an initial member (a
 * current member turned malicious, or a removed member once the scenario removes it). Their
 * engines stay honest; in addition, under their own identity, they send forged, replayed and
 * mis-addressed frames to the nodes they are connected to. They hold a key pair of their own and
 * every genuine signature they have seen, never the control plane's private key.
 */
final class Adversary {
    /** Forged frames per minute of virtual time in a hostile run. */
    static final double HOSTILE_FORGERIES_PER_MIN = 240;
    /** A swarm seed is hostile with this chance ... */
    static final int SWARM_HOSTILE_PERCENT = 5;
    /** ... and then forges at this lower rate. */
    static final double SWARM_FORGERIES_PER_MIN = 30;
    /** A forged epoch "far in the future". */
    static final long FAR_EPOCH_JUMP = 1_000_000;
    private static final long MS_PER_MIN = 60_000;
    private static final int PERCENT = 100;
    /** Forged proxy request and response ids start here, far from any genuine one. */
    private static final long FORGED_ID_BASE = 1L << 40;

    private enum Frame {
        PREPARE, COMMIT_ADVANCE, EXPUNGED, GET_SHARE, SHARE, PREPARE_ACK, PROXY_PREPARE_AND_COMMIT, PROXY_COMMIT,
        PROXY_RESPONSE
    }

    private enum Signing { UNSIGNED, OWN_KEY, REPLAYED }

    /** Of the adversaries' actions, this share are admin calls (the admin token, not the control plane's key). */
    static final int ROGUE_CALL_PERCENT = 5;

    /** An admin call with a reconfiguration the control plane never signed. */
    record RogueCall(SimNode to, ReconfigureRequest request) {}

    /** One forged frame to deliver to {@code to} on its connection with {@code from}. */
    record Forgery(SimNode from, SimNode to, WireMsg frame) {}

    private final boolean[] hostile;
    private final double perMin;
    private final SplittableRandom rng;
    private final ControlPlaneKey ownKey;
    private final RackId rack;

    private Adversary(boolean[] hostile, double perMin, SplittableRandom rng, RackId rack) {
        this.hostile = hostile;
        this.perMin = perMin;
        this.rng = rng;
        this.ownKey = ControlPlaneKey.generate(rng);
        this.rack = rack;
    }

    /** The adversaries of a run, or null when the run is not hostile. */
    static Adversary of(RunSpec spec, RackId rack) {
        SplittableRandom r = Streams.stream(spec.seed(), Streams.HOSTILE);
        double rate = switch (spec.profile()) {
            case HOSTILE -> HOSTILE_FORGERIES_PER_MIN;
            case SWARM -> r.nextInt(PERCENT) < SWARM_HOSTILE_PERCENT ? SWARM_FORGERIES_PER_MIN : 0;
            case NONE, LIGHT, HEAVY -> 0;
        };
        if (rate == 0) {
            return null;
        }
        int n = spec.schedule().nodes();
        List<Integer> initial = spec.schedule().initialMembers();
        boolean[] hostile = new boolean[n];
        hostile[initial.get(r.nextInt(initial.size()))] = true;
        List<Integer> spares = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (!initial.contains(i)) {
                spares.add(i);
            }
        }
        if (!spares.isEmpty()) {
            hostile[spares.get(r.nextInt(spares.size()))] = true;
        }
        return new Adversary(hostile, rate, r, rack);
    }

    boolean isHostile(int index) {
        return hostile[index];
    }

    /** When the next forged frame leaves (exponential gaps). */
    long nextAt(long now) {
        double gapMs = -Math.log(1 - rng.nextDouble()) * MS_PER_MIN / perMin;
        return now + 1 + (long) gapMs;
    }

    /**
     * Sometimes ({@link #ROGUE_CALL_PERCENT}) a well-formed next reconfiguration, unsigned or
     * signed with the adversary's own key, for an honest node to coordinate.
     */
    Optional<RogueCall> rogueReconfigure(SimNode[] nodes, Configuration latest) {
        if (rng.nextInt(PERCENT) >= ROGUE_CALL_PERCENT || latest == null) {
            return Optional.empty();
        }
        List<SimNode> up = new ArrayList<>();
        for (SimNode n : nodes) {
            if (n.up && !hostile[n.index] && latest.isMember(n.id)) {
                up.add(n);
            }
        }
        if (up.isEmpty()) {
            return Optional.empty();
        }
        SimNode to = up.get(rng.nextInt(up.size()));
        ReconfigureRequest r = new ReconfigureRequest(rack, to.ledger.durable().latestConfigEpoch().next(),
                to.ledger.durable().latestCommittedEpoch(), latest.memberIds(), latest.threshold());
        return Optional.of(new RogueCall(to, rng.nextBoolean() ? r
                : r.signed(ownKey.signRequest(rack, r.epoch(), to.id, r.members(), r.threshold()))));
    }

    /** A forged frame from a hostile node to a node it is connected to, or empty if there is none. */
    Optional<Forgery> forge(SimNode[] nodes) {
        List<SimNode[]> pairs = new ArrayList<>();
        for (SimNode a : nodes) {
            if (!hostile[a.index] || !a.up) {
                continue;
            }
            for (SimNode v : nodes) {
                SimConn.End end = v.openByPeer[a.index];
                if (v != a && v.up && end != null && end.open && end.alive()) {
                    pairs.add(new SimNode[] {a, v});
                }
            }
        }
        if (pairs.isEmpty()) {
            return Optional.empty();
        }
        SimNode[] p = pairs.get(rng.nextInt(pairs.size()));
        SimNode a = p[0];
        SimNode v = p[1];
        Frame kind = Frame.values()[rng.nextInt(Frame.values().length)];
        WireMsg frame = build(kind, a, v, nodes);
        return Optional.of(new Forgery(a, v, frame));
    }

    private WireMsg build(Frame kind, SimNode a, SimNode v, SimNode[] nodes) {
        PersistentState mine = a.ledger.durable();
        PersistentState theirs = v.ledger.durable();
        return switch (kind) {
            case PREPARE -> {
                Dealt d = deal(a, v, nodes, theirs);
                // Sometimes mis-addressed: the share dealt to another member.
                NodeId holder = rng.nextBoolean() ? v.id : d.config.memberIds().get(rng.nextInt(d.config.size()));
                yield protocol(new PeerMsg.Prepare(rack, d.config, d.shares.get(d.config.xOf(holder) - 1)));
            }
            case COMMIT_ADVANCE -> {
                Optional<Configuration> uncommitted = uncommittedGenuine(nodes);
                if (uncommitted.isPresent() && rng.nextBoolean()) {
                    Configuration c = uncommitted.get();
                    yield protocol(new PeerMsg.CommitAdvance(rack, c, rng.nextBoolean() ? c.authorization() : null));
                }
                Dealt d = deal(a, v, nodes, theirs);
                yield protocol(new PeerMsg.CommitAdvance(rack, d.config, ownKey.signCommit(d.config)));
            }
            case EXPUNGED -> protocol(expunged(a, v, nodes, mine, theirs));
            case GET_SHARE -> protocol(new PeerMsg.GetShare(rack, someEpoch(theirs)));
            case SHARE -> {
                Epoch e = someEpoch(theirs);
                Optional<KeyShare> own = mine.share(e);
                KeyShare s = own.isPresent() && rng.nextBoolean() ? own.get().copy() : randomShare();
                yield protocol(new PeerMsg.Share(rack, e, s));
            }
            case PREPARE_ACK -> {
                // Acks only for what it really prepared (replays), or for epochs it is not a member of.
                List<Epoch> prepared = new ArrayList<>();
                for (Configuration c : theirs.configs()) {
                    if (!c.isMember(a.id) || mine.hasPrepared(c.epoch())) {
                        prepared.add(c.epoch());
                    }
                }
                Epoch e = prepared.isEmpty() ? Epoch.of(1) : prepared.get(rng.nextInt(prepared.size()));
                yield protocol(new PeerMsg.PrepareAck(rack, e));
            }
            case PROXY_PREPARE_AND_COMMIT -> {
                Dealt d = deal(a, v, nodes, theirs);
                yield new WireMsg.ProxyRequest(forgedId(),
                        new ProxyOp.PrepareAndCommit(d.config, ownKey.signCommit(d.config)));
            }
            case PROXY_COMMIT -> {
                Epoch e = theirs.latestConfigEpoch().isNone() ? Epoch.of(1) : theirs.latestConfigEpoch();
                CpSignature sig = theirs.config(e).map(Configuration::authorization).orElse(null);
                yield new WireMsg.ProxyRequest(forgedId(), new ProxyOp.Commit(rack, e, rng.nextBoolean() ? sig : null));
            }
            case PROXY_RESPONSE -> new WireMsg.ProxyResponse(forgedId(), new ProxyResult.Commit(CommitStatus.COMMITTED));
        };
    }

    private static WireMsg protocol(PeerMsg m) {
        return new WireMsg.Protocol(m);
    }

    private long forgedId() {
        return FORGED_ID_BASE + rng.nextInt(1 << 20);
    }

    private record Dealt(Configuration config, List<KeyShare> shares) {}

    /** A configuration the adversary writes itself: coordinator itself, the victim a member. */
    private Dealt deal(SimNode a, SimNode v, SimNode[] nodes, PersistentState victim) {
        TreeSet<NodeId> members = new TreeSet<>(List.of(a.id, v.id));
        while (members.size() < Math.min(nodes.length, 3 + rng.nextInt(2))) {
            members.add(nodes[rng.nextInt(nodes.length)].id);
        }
        List<NodeId> ids = List.copyOf(members);
        Epoch base = victim.latestConfigEpoch();
        Epoch e = switch (rng.nextInt(4)) {
            case 0 -> base.isNone() ? Epoch.of(1) : base;
            case 1 -> victim.latestCommittedEpoch().isNone() ? Epoch.of(1) : victim.latestCommittedEpoch();
            case 2 -> Epoch.of(base.value() + FAR_EPOCH_JUMP);
            default -> base.next();
        };
        List<KeyShare> shares;
        try (RackSecret secret = RackSecret.generate(rng)) {
            shares = secret.split(2, ids.size(), rng);
        }
        List<Member> withDigests = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            withDigests.add(new Member(ids.get(i), Digests.shareDigest(shares.get(i))));
        }
        Threshold k = Threshold.of(2);
        Signing how = Signing.values()[rng.nextInt(Signing.values().length)];
        CpSignature sig = switch (how) {
            case UNSIGNED -> null;
            case OWN_KEY -> ownKey.signRequest(rack, e, a.id, ids, k);
            // A genuine proposal signature only fits a configuration of that proposal, whose
            // coordinator alone may deal it: the adversary never equivocates on an epoch it
            // coordinated itself (a coordinator is trusted for its own epoch's shares, SECURITY.md).
            case REPLAYED -> victim.latestConfig().filter(c -> !c.coordinator().equals(a.id))
                    .map(Configuration::authorization).orElse(null);
        };
        return new Dealt(new Configuration(rack, e, a.id, withDigests, k, null, sig), shares);
    }

    private PeerMsg.Expunged expunged(SimNode a, SimNode v, SimNode[] nodes, PersistentState mine,
            PersistentState theirs) {
        switch (rng.nextInt(3)) {
            case 0 -> {
                return new PeerMsg.Expunged(rack, theirs.latestConfigEpoch(), null, null);
            }
            case 1 -> {
                // The adversary's own latest commit with its genuine proof: it names the victim
                // (refused) unless the control plane really removed the victim (then it is true).
                Optional<Configuration> c = mine.latestCommittedConfig();
                Optional<CommitProof> p = c.flatMap(x -> mine.commitProof(x.epoch()));
                if (c.isPresent() && p.isPresent()) {
                    return new PeerMsg.Expunged(rack, c.get().epoch(), c.get(), p.get().signature());
                }
                return new PeerMsg.Expunged(rack, theirs.latestConfigEpoch(), null, null);
            }
            default -> {
                Dealt d = deal(a, v, nodes, theirs);
                List<Member> without = new ArrayList<>();
                for (Member m : d.config.members()) {
                    if (!m.id().equals(v.id)) {
                        without.add(m);
                    }
                }
                if (without.size() < Configuration.MIN_MEMBERS) {
                    return new PeerMsg.Expunged(rack, d.config.epoch(), null, null);
                }
                Configuration proof = new Configuration(rack, d.config.epoch(), a.id, without, d.config.threshold(),
                        null, d.config.authorization());
                return new PeerMsg.Expunged(rack, proof.epoch(), proof, ownKey.signCommit(proof));
            }
        }
    }

    /** A genuine (signed) configuration some node stored that is not committed anywhere yet. */
    private Optional<Configuration> uncommittedGenuine(SimNode[] nodes) {
        List<Configuration> found = new ArrayList<>();
        for (SimNode n : nodes) {
            PersistentState s = n.ledger.durable();
            for (Configuration c : s.configs()) {
                if (c.epoch().isAfter(s.latestCommittedEpoch()) && c.authorization() != null) {
                    found.add(c);
                }
            }
        }
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(rng.nextInt(found.size())));
    }

    private Epoch someEpoch(PersistentState s) {
        if (s.configs().isEmpty()) {
            return Epoch.of(1);
        }
        return s.configs().get(rng.nextInt(s.configs().size())).epoch();
    }

    private KeyShare randomShare() {
        byte[] y = new byte[KeyShare.SECRET_LENGTH_BYTES];
        rng.nextBytes(y);
        return new KeyShare(1 + rng.nextInt(Configuration.MAX_MEMBERS), y);
    }
}
