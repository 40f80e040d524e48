package org.trustquorum.core.auth;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.SecureRandomSpi;
import java.security.Signature;
import java.security.spec.NamedParameterSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.trustquorum.core.Check;
import org.trustquorum.core.model.Configuration;
import org.trustquorum.core.model.CpSignature;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.RackId;
import org.trustquorum.core.model.Threshold;

/**
 * The control plane's signing key. Ed25519 signatures are deterministic, so the simulator's runs
 * stay reproducible; {@link #generate} draws the private key from the generator it is given (a
 * seeded one in the simulator, a SecureRandom in {@code tq certs}).
 */
public final class ControlPlaneKey {
    /** Statements whose signature is remembered; a control plane re-sends the same request on every retry. */
    static final int SIGNED_CACHE_ENTRIES = 256;

    private final PrivateKey privateKey;
    private final ConfigAuthority authority;
    /**
     * Signatures by statement, least recently used first. Ed25519 signs deterministically, so a
     * remembered signature is byte for byte the one signing again would give; the statements are
     * public (they are sent with their signatures).
     */
    /** Signatures actually computed (not taken from {@link #signed}). */
    private int made;
    private final Map<ByteBuffer, CpSignature> signed = new LinkedHashMap<>(SIGNED_CACHE_ENTRIES, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<ByteBuffer, CpSignature> eldest) {
            return size() > SIGNED_CACHE_ENTRIES;
        }
    };

    private ControlPlaneKey(PrivateKey privateKey, ConfigAuthority authority) {
        this.privateKey = privateKey;
        this.authority = authority;
    }

    public static ControlPlaneKey of(KeyPair pair) {
        Check.notNull(pair, "key pair");
        return new ControlPlaneKey(pair.getPrivate(), ConfigAuthority.of(pair.getPublic()));
    }

    /** A fresh key pair whose private key bytes come from {@code rng}. */
    public static ControlPlaneKey generate(RandomGenerator rng) {
        return of(generatePair(rng));
    }

    /** A fresh Ed25519 key pair whose private key bytes come from {@code rng}. */
    public static KeyPair generatePair(RandomGenerator rng) {
        Check.notNull(rng, "random generator");
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance(ConfigAuthority.ALGORITHM);
            g.initialize(NamedParameterSpec.ED25519, rng instanceof SecureRandom sr ? sr : new Drawn(rng));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is required by every JDK since 15", e);
        }
    }

    /** The public half, which every node is given. */
    public ConfigAuthority authority() {
        return authority;
    }

    public CpSignature signRequest(RackId rack, Epoch epoch, NodeId coordinator, List<NodeId> members,
            Threshold threshold) {
        return sign(Statements.proposal(rack, epoch, coordinator, members, threshold));
    }

    public CpSignature signCommit(Configuration config) {
        return sign(Statements.commit(config));
    }

    private synchronized CpSignature sign(byte[] statement) {
        return signed.computeIfAbsent(ByteBuffer.wrap(statement.clone()), k -> signAfresh(statement));
    }

    /** Signatures made by this key so far, remembered or not (tests see the memo work). */
    synchronized int signaturesMade() {
        return made;
    }

    private CpSignature signAfresh(byte[] statement) {
        made++;
        try {
            Signature s = Signature.getInstance(ConfigAuthority.ALGORITHM);
            s.initSign(privateKey);
            s.update(statement);
            return new CpSignature(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("signing with the control-plane key failed", e);
        }
    }

    /** A SecureRandom whose bytes are those of a given generator (never the platform's entropy). */
    private static final class Drawn extends SecureRandom {
        private static final long serialVersionUID = 1L;

        Drawn(RandomGenerator rng) {
            super(new Spi(rng), (Provider) null);
        }
    }

    private static final class Spi extends SecureRandomSpi {
        private static final long serialVersionUID = 1L;
        private final transient RandomGenerator rng;

        Spi(RandomGenerator rng) {
            this.rng = rng;
        }

        @Override
        protected void engineSetSeed(byte[] seed) {
            // The generator is seeded by its owner; extra seed material is ignored.
        }

        @Override
        protected void engineNextBytes(byte[] bytes) {
            rng.nextBytes(bytes);
        }

        @Override
        protected byte[] engineGenerateSeed(int numBytes) {
            byte[] out = new byte[numBytes];
            rng.nextBytes(out);
            return out;
        }
    }
}
