package org.trustquorum.core.auth;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.trustquorum.core.Check;
import org.trustquorum.core.model.Configuration;
import org.trustquorum.core.model.CpSignature;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.RackId;
import org.trustquorum.core.model.Threshold;
import org.trustquorum.core.model.TrustAnchor;

/**
 * What a node trusts about configurations: the control plane's Ed25519 public key. Every check
 * returns the reason for a refusal, or empty when the statement is the control plane's.
 * Verification is deterministic and reads nothing but its arguments.
 */
public final class ConfigAuthority {
    static final String ALGORITHM = "Ed25519";

    /** Verified statements remembered (a node sees the same configuration many times). */
    static final int VERIFIED_CACHE_ENTRIES = 4_096;

    private final PublicKey key;
    private final byte[] encoded;
    /** Digests of (statement, signature) pairs that verified, least recently used first. */
    private final Map<String, Boolean> verified = new LinkedHashMap<>(VERIFIED_CACHE_ENTRIES, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > VERIFIED_CACHE_ENTRIES;
        }
    };

    private ConfigAuthority(PublicKey key) {
        this.key = key;
        this.encoded = key.getEncoded();
    }

    /** From a public key (as made by {@link ControlPlaneKey} or read from a file). */
    public static ConfigAuthority of(PublicKey key) {
        Check.notNull(key, "control-plane public key");
        Check.argument(ALGORITHM.equals(key.getAlgorithm()) || "EdDSA".equals(key.getAlgorithm()),
                "the control-plane key must be Ed25519, got %s", key.getAlgorithm());
        return new ConfigAuthority(key);
    }

    /** From the X.509 (SubjectPublicKeyInfo) encoding of the public key. */
    public static ConfigAuthority fromEncoded(byte[] x509) {
        try {
            return of(KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(x509)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("not an Ed25519 public key: " + e.getMessage(), e);
        }
    }

    /** From the key a node's ledger recorded. */
    public static ConfigAuthority of(TrustAnchor anchor) {
        return fromEncoded(anchor.encoded());
    }

    /** The X.509 encoding of the key (what a ledger stores). */
    public byte[] encoded() {
        return encoded.clone();
    }

    /** The key as a ledger records it. */
    public TrustAnchor anchor() {
        return new TrustAnchor(encoded);
    }

    /** A reconfiguration request addressed to {@code coordinator}. */
    public Optional<String> checkRequest(RackId rack, Epoch epoch, NodeId coordinator, List<NodeId> members,
            Threshold threshold, CpSignature signature) {
        if (signature == null) {
            return Optional.of("reconfiguration request is not signed");
        }
        return verify(Statements.proposal(rack, epoch, coordinator, members, threshold), signature)
                ? Optional.empty() : Optional.of("reconfiguration request signature is invalid");
    }

    /** A configuration received in a Prepare: its proposal must be signed. */
    public Optional<String> checkProposal(Configuration config) {
        if (config.authorization() == null) {
            return Optional.of("configuration " + config.epoch() + " is not signed");
        }
        return verify(Statements.proposalOf(config), config.authorization()) ? Optional.empty()
                : Optional.of("configuration " + config.epoch() + " has an invalid proposal signature");
    }

    /** A configuration claimed committed: the commit decision must be signed, and its proposal too. */
    public Optional<String> checkCommit(Configuration config, CpSignature commitSignature) {
        Optional<String> proposal = checkProposal(config);
        if (proposal.isPresent()) {
            return proposal;
        }
        if (commitSignature == null) {
            return Optional.of("commit of " + config.epoch() + " carries no commit signature");
        }
        return verify(Statements.commit(config), commitSignature) ? Optional.empty()
                : Optional.of("commit of " + config.epoch() + " has an invalid commit signature");
    }

    private synchronized boolean verify(byte[] statement, CpSignature signature) {
        String id = cacheKey(statement, signature);
        if (verified.containsKey(id)) {
            return true;
        }
        boolean ok;
        try {
            Signature v = Signature.getInstance(ALGORITHM);
            v.initVerify(key);
            v.update(statement);
            ok = v.verify(signature.bytes());
        } catch (GeneralSecurityException e) {
            ok = false;
        }
        if (ok) {
            verified.put(id, Boolean.TRUE);
        }
        return ok;
    }

    private static String cacheKey(byte[] statement, CpSignature signature) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(statement);
            d.update(signature.bytes());
            return HexFormat.of().formatHex(d.digest());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }

    @Override
    public String toString() {
        return "ConfigAuthority[" + HexFormat.of().formatHex(encoded, encoded.length - 8, encoded.length) + "]";
    }
}
