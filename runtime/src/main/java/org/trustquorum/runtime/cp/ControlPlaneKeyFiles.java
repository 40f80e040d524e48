package org.trustquorum.runtime.cp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import org.trustquorum.core.auth.ConfigAuthority;
import org.trustquorum.core.auth.ControlPlaneKey;
import org.trustquorum.runtime.tls.Certs;

/**
 * The control plane's Ed25519 key pair on disk, as {@code tq certs} makes it beside the CA: the
 * public key ({@code control-plane.pub}, PEM "PUBLIC KEY") goes to every node's configuration; the
 * private key ({@code control-plane.key}, PEM "PRIVATE KEY", owner-only) stays with the control plane.
 */
public final class ControlPlaneKeyFiles {
    public static final String PUBLIC_KEY_FILE = "control-plane.pub";
    public static final String PRIVATE_KEY_FILE = "control-plane.key";
    private static final String ALGORITHM = "Ed25519";
    private static final int PEM_LINE_CHARS = 64;

    private ControlPlaneKeyFiles() {}

    /** Makes a fresh key pair in {@code dir}; returns the signing key. */
    public static ControlPlaneKey generate(Path dir) throws IOException {
        KeyPair pair = ControlPlaneKey.generatePair(new SecureRandom());
        Files.createDirectories(dir);
        writePublicKey(dir.resolve(PUBLIC_KEY_FILE), pair.getPublic());
        Certs.writePrivateKey(dir.resolve(PRIVATE_KEY_FILE), pair.getPrivate());
        return ControlPlaneKey.of(pair);
    }

    /** The public key a node trusts. */
    public static ConfigAuthority readPublic(Path file) throws IOException {
        try {
            return ConfigAuthority.fromEncoded(pem(file, "PUBLIC KEY"));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /** The signing key pair of the control plane (both files of {@link #generate}). */
    public static ControlPlaneKey readPair(Path dir) throws IOException {
        ConfigAuthority pub = readPublic(dir.resolve(PUBLIC_KEY_FILE));
        Path priv = dir.resolve(PRIVATE_KEY_FILE);
        try {
            PrivateKey key = KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(pem(priv, "PRIVATE KEY")));
            PublicKey publicKey = KeyFactory.getInstance(ALGORITHM)
                    .generatePublic(new java.security.spec.X509EncodedKeySpec(pub.encoded()));
            return ControlPlaneKey.of(new KeyPair(publicKey, key));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException(priv + ": not an Ed25519 private key: " + e.getMessage(), e);
        }
    }

    private static void writePublicKey(Path file, PublicKey key) throws IOException {
        String body = Base64.getMimeEncoder(PEM_LINE_CHARS, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(key.getEncoded());
        Files.writeString(file, "-----BEGIN PUBLIC KEY-----\n" + body + "\n-----END PUBLIC KEY-----\n",
                StandardCharsets.US_ASCII);
    }

    private static byte[] pem(Path file, String label) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        int b = text.indexOf(begin);
        int e = text.indexOf(end);
        if (b < 0 || e < b) {
            throw new IOException(file + ": no PEM block '" + label + "'");
        }
        try {
            return Base64.getMimeDecoder().decode(text.substring(b + begin.length(), e));
        } catch (IllegalArgumentException ex) {
            throw new IOException(file + ": malformed PEM", ex);
        }
    }
}
