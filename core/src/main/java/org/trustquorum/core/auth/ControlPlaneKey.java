package org.trustquorum.core.auth;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.SecureRandomSpi;
import java.security.Signature;
import java.security.spec.NamedParameterSpec;
import java.util.List;
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
    private final PrivateKey privateKey;
    private final ConfigAuthority authority;

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

    private CpSignature sign(byte[] statement) {
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
