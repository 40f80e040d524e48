package org.trustquorum.runtime.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.runtime.cp.ControlPlaneKeyFiles;

/**
 * Test certificate authority and node certificates for mutual TLS between nodes.
 *
 * <p>A node's identity is its {@link NodeId}, carried in the certificate subject's common name
 * ({@code PART:SERIAL}) and, when the id is a valid URI fragment, also as a subject-alternative URI
 * {@code urn:tq:node:PART:SERIAL}. Node certificates are good for both TLS server and client use
 * (every node both accepts and dials), name the loopback addresses and {@code localhost}, and use
 * EC P-256 keys. Keys are written as unencrypted PKCS#8 PEM readable by the owner only.
 *
 * <p>This is tooling for test clusters and development. A production rack gets its certificates
 * from its own PKI; only {@link #peerIdFromCertificate} matters there.
 */
public final class Certs {
    private Certs() {}

    public static final String CURVE = "secp256r1";
    public static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";
    public static final String NODE_URI_PREFIX = "urn:tq:node:";
    public static final Duration CA_VALIDITY = Duration.ofDays(10 * 365);
    public static final Duration NODE_VALIDITY = Duration.ofDays(2 * 365);
    /** Back-dating of notBefore, so clocks a little behind still accept a fresh certificate. */
    public static final Duration CLOCK_SKEW_ALLOWANCE = Duration.ofHours(1);
    private static final int SERIAL_NUMBER_BITS = 127;
    private static final String ORGANIZATION = "trust quorum test cluster";

    public static final String CA_CERT_FILE = "ca.pem";
    public static final String CA_KEY_FILE = "ca.key";

    private static final SecureRandom RANDOM = new SecureRandom();

    /** A certificate and its private key. */
    public record Issued(X509Certificate certificate, PrivateKey key) {
        @Override
        public String toString() {
            return "Issued[" + certificate.getSubjectX500Principal().getName() + ", key=<redacted>]";
        }
    }

    /** Where one node's files are. */
    public record NodeFiles(NodeId id, Path certificate, Path key) {}

    /**
     * The files {@link #makeCluster} wrote. {@code controlPlaneDir} holds the control plane's
     * signing key pair (see {@code ControlPlaneKeyFiles}); its public half goes to every node.
     */
    public record ClusterFiles(Path caCertificate, Path caKey, Map<NodeId, NodeFiles> nodes, Path controlPlaneDir) {
        public ClusterFiles {
            nodes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(nodes));
        }

        /** The control plane's public key file, which every node is configured with. */
        public Path controlPlanePublicKey() {
            return controlPlaneDir.resolve(ControlPlaneKeyFiles.PUBLIC_KEY_FILE);
        }

        public NodeFiles node(NodeId id) {
            NodeFiles f = nodes.get(id);
            if (f == null) {
                throw new IllegalArgumentException("no certificate for " + id);
            }
            return f;
        }
    }

    /** A new self-signed certificate authority. */
    public static Issued newAuthority(String commonName) {
        KeyPair kp = newKeyPair();
        X500Name name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, ORGANIZATION)
                .addRDN(BCStyle.CN, commonName).build();
        Instant now = Instant.now();
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serialNumber(),
                    Date.from(now.minus(CLOCK_SKEW_ALLOWANCE)), Date.from(now.plus(CA_VALIDITY)), name, kp.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(kp.getPublic()));
            return new Issued(sign(b, kp.getPrivate()), kp.getPrivate());
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot create a certificate authority", e);
        }
    }

    /** A certificate for a node, signed by {@code ca}. */
    public static Issued issueNode(Issued ca, NodeId id) {
        KeyPair kp = newKeyPair();
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, ORGANIZATION)
                .addRDN(BCStyle.CN, id.toString()).build();
        Instant now = Instant.now();
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(ca.certificate(), serialNumber(),
                    Date.from(now.minus(CLOCK_SKEW_ALLOWANCE)), Date.from(now.plus(NODE_VALIDITY)), subject,
                    kp.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            b.addExtension(Extension.extendedKeyUsage, false,
                    new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(alternativeNames(id)));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(kp.getPublic()));
            b.addExtension(Extension.authorityKeyIdentifier, false,
                    ext.createAuthorityKeyIdentifier(ca.certificate().getPublicKey()));
            return new Issued(sign(b, ca.key()), kp.getPrivate());
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot issue a certificate for " + id, e);
        }
    }

    private static GeneralName[] alternativeNames(NodeId id) {
        List<GeneralName> names = new ArrayList<>();
        names.add(new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
        names.add(new GeneralName(GeneralName.iPAddress, "::1"));
        names.add(new GeneralName(GeneralName.dNSName, "localhost"));
        String uri = NODE_URI_PREFIX + id;
        if (isPlainUri(uri)) {
            names.add(new GeneralName(GeneralName.uniformResourceIdentifier, uri));
        }
        return names.toArray(GeneralName[]::new);
    }

    /** A URI SAN must be ASCII and syntactically a URI; ids that are not simply stay CN-only. */
    private static boolean isPlainUri(String s) {
        if (!StandardCharsets.US_ASCII.newEncoder().canEncode(s)) {
            return false;
        }
        try {
            return new URI(s).toString().equals(s);
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /**
     * Writes a CA and one certificate per node into {@code dir}: {@code ca.pem}, {@code ca.key},
     * and {@code node-N.pem} / {@code node-N.key} for the N-th id (from 1, in list order); and the
     * control plane's key pair beside them ({@code control-plane.pub}, {@code control-plane.key}).
     */
    public static ClusterFiles makeCluster(Path dir, List<NodeId> ids) throws IOException {
        if (ids.size() != ids.stream().distinct().count()) {
            throw new IllegalArgumentException("node ids must be distinct");
        }
        Files.createDirectories(dir);
        Issued ca = newAuthority("trust quorum test CA");
        Path caCert = dir.resolve(CA_CERT_FILE);
        Path caKey = dir.resolve(CA_KEY_FILE);
        writeCertificates(caCert, List.of(ca.certificate()));
        writePrivateKey(caKey, ca.key());
        Map<NodeId, NodeFiles> nodes = new LinkedHashMap<>();
        for (int i = 0; i < ids.size(); i++) {
            NodeId id = ids.get(i);
            Issued node = issueNode(ca, id);
            Path cert = dir.resolve("node-" + (i + 1) + ".pem");
            Path key = dir.resolve("node-" + (i + 1) + ".key");
            writeCertificates(cert, List.of(node.certificate()));
            writePrivateKey(key, node.key());
            nodes.put(id, new NodeFiles(id, cert, key));
        }
        ControlPlaneKeyFiles.generate(dir);
        return new ClusterFiles(caCert, caKey, nodes, dir);
    }

    /**
     * The node id a peer's certificate names. Takes the subject's single common name; if the
     * certificate also carries {@code urn:tq:node:} URIs, they must all name the same id.
     *
     * @throws CertificateException if the certificate names no id, several, or an invalid one
     */
    public static NodeId peerIdFromCertificate(X509Certificate certificate) throws CertificateException {
        X500Name subject = new JcaX509CertificateHolder(certificate).getSubject();
        RDN[] cns = subject.getRDNs(BCStyle.CN);
        if (cns.length != 1 || cns[0].isMultiValued()) {
            throw new CertificateException("certificate subject must have exactly one common name, has " + cns.length);
        }
        ASN1Encodable value = cns[0].getFirst().getValue();
        if (!(value instanceof ASN1String text)) {
            throw new CertificateException("certificate common name is not a string");
        }
        NodeId id;
        try {
            id = NodeId.parse(text.getString());
        } catch (IllegalArgumentException e) {
            throw new CertificateException("certificate common name is not a node id: " + e.getMessage());
        }
        for (String uri : nodeUris(certificate)) {
            if (!uri.equals(NODE_URI_PREFIX + id)) {
                throw new CertificateException("certificate names two node ids: CN " + id + " and SAN " + uri);
            }
        }
        return id;
    }

    /** The node id of the first (leaf) certificate of a TLS peer chain, as Vert.x reports it. */
    public static NodeId peerIdFromChain(List<? extends Certificate> chain) throws CertificateException {
        if (chain == null || chain.isEmpty()) {
            throw new CertificateException("peer presented no certificate");
        }
        if (!(chain.get(0) instanceof X509Certificate leaf)) {
            throw new CertificateException("peer certificate is not X.509");
        }
        return peerIdFromCertificate(leaf);
    }

    private static List<String> nodeUris(X509Certificate certificate) throws CertificateException {
        Collection<List<?>> sans = certificate.getSubjectAlternativeNames();
        List<String> out = new ArrayList<>();
        if (sans == null) {
            return out;
        }
        for (List<?> san : sans) {
            if (san.size() >= 2 && Integer.valueOf(GeneralName.uniformResourceIdentifier).equals(san.get(0))
                    && san.get(1) instanceof String s && s.startsWith(NODE_URI_PREFIX)) {
                out.add(s);
            }
        }
        return out;
    }

    /** Writes certificates as PEM (a chain, leaf first, if several). */
    public static void writeCertificates(Path file, List<X509Certificate> certificates) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
            for (X509Certificate c : certificates) {
                pem.writeObject(c);
            }
        }
        Files.writeString(file, text.toString(), StandardCharsets.US_ASCII);
    }

    /** Writes a private key as unencrypted PKCS#8 PEM ("PRIVATE KEY"), owner-only where POSIX permissions exist. */
    public static void writePrivateKey(Path file, PrivateKey key) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
            pem.writeObject(new JcaPKCS8Generator(key, null));
        }
        Files.deleteIfExists(file);
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.createFile(file);
        }
        Files.writeString(file, text.toString(), StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec(CURVE), RANDOM);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("EC " + CURVE + " is required by every JDK", e);
        }
    }

    private static BigInteger serialNumber() {
        // Positive and non-zero, as RFC 5280 requires.
        return new BigInteger(SERIAL_NUMBER_BITS, RANDOM).setBit(0);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer)
            throws GeneralSecurityException {
        try {
            ContentSigner cs = new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(signer);
            return new JcaX509CertificateConverter().getCertificate(builder.build(cs));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException("cannot sign a certificate", e);
        }
    }
}
