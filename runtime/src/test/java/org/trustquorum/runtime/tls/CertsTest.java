package org.trustquorum.runtime.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trustquorum.core.model.NodeId;

class CertsTest {
    @TempDir
    Path dir;

    private static final NodeId N1 = NodeId.parse("913-0000019:BRM001");
    private static final NodeId N2 = NodeId.parse("913-0000019:BRM002");

    static X509Certificate readCertificate(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    static PrivateKey readKey(Path pem) throws Exception {
        String text = Files.readString(pem);
        assertTrue(text.startsWith("-----BEGIN PRIVATE KEY-----"), "PKCS#8 PEM expected");
        String body = text.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
    }

    @Test
    void clusterFilesAreWrittenAndChainToTheCa() throws Exception {
        Certs.ClusterFiles files = Certs.makeCluster(dir, List.of(N1, N2));
        assertEquals(dir.resolve("ca.pem"), files.caCertificate());
        assertEquals(dir.resolve("node-2.pem"), files.node(N2).certificate());
        assertEquals(dir.resolve("node-2.key"), files.node(N2).key());
        X509Certificate ca = readCertificate(files.caCertificate());
        assertTrue(ca.getBasicConstraints() >= 0, "CA certificate must be a CA");
        for (NodeId id : List.of(N1, N2)) {
            X509Certificate cert = readCertificate(files.node(id).certificate());
            cert.verify(ca.getPublicKey());
            cert.checkValidity();
            assertEquals(-1, cert.getBasicConstraints());
            assertTrue(cert.getExtendedKeyUsage().containsAll(List.of("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2")));
            assertEquals("EC", cert.getPublicKey().getAlgorithm());
            assertEquals(id, Certs.peerIdFromCertificate(cert));
            assertTrue(cert.getSubjectX500Principal().getName().contains("CN=" + id));
        }
    }

    @Test
    void nodeCertificateNamesLoopbackAndTheNodeUri() throws Exception {
        Certs.ClusterFiles files = Certs.makeCluster(dir, List.of(N1));
        X509Certificate cert = readCertificate(files.node(N1).certificate());
        Set<String> sans = new HashSet<>();
        for (List<?> san : cert.getSubjectAlternativeNames()) {
            sans.add(san.get(0) + "=" + san.get(1));
        }
        assertTrue(sans.contains(GeneralName.iPAddress + "=127.0.0.1"), sans.toString());
        assertTrue(sans.contains(GeneralName.iPAddress + "=0:0:0:0:0:0:0:1"), sans.toString());
        assertTrue(sans.contains(GeneralName.dNSName + "=localhost"), sans.toString());
        assertTrue(sans.contains(GeneralName.uniformResourceIdentifier + "=urn:tq:node:913-0000019:BRM001"), sans.toString());
    }

    @Test
    void privateKeyIsPkcs8OwnerOnlyAndMatchesTheCertificate() throws Exception {
        Certs.ClusterFiles files = Certs.makeCluster(dir, List.of(N1));
        PrivateKey key = readKey(files.node(N1).key());
        X509Certificate cert = readCertificate(files.node(N1).certificate());
        Signature s = Signature.getInstance(Certs.SIGNATURE_ALGORITHM);
        s.initSign(key);
        s.update(new byte[] {1, 2, 3});
        byte[] sig = s.sign();
        s.initVerify(cert.getPublicKey());
        s.update(new byte[] {1, 2, 3});
        assertTrue(s.verify(sig));
        if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                    Files.getPosixFilePermissions(files.node(N1).key()));
        }
        assertFalse(Certs.issueNode(Certs.newAuthority("x"), N1).toString().contains("BEGIN"));
    }

    @Test
    void idThatIsNotAPlainUriIsCarriedInTheCommonNameOnly() throws Exception {
        NodeId odd = new NodeId("part<x>", "serial|{1}");
        Certs.Issued issued = Certs.issueNode(Certs.newAuthority("ca"), odd);
        for (List<?> san : issued.certificate().getSubjectAlternativeNames()) {
            assertFalse(san.get(0).equals(GeneralName.uniformResourceIdentifier), "no URI SAN expected");
        }
        assertEquals(odd, Certs.peerIdFromCertificate(issued.certificate()));
    }

    @Test
    void commonNameThatIsNotANodeIdIsRejected() {
        X509Certificate ca = Certs.newAuthority("just a name").certificate();
        CertificateException e = assertThrows(CertificateException.class, () -> Certs.peerIdFromCertificate(ca));
        assertTrue(e.getMessage().contains("not a node id"), e.getMessage());
        assertThrows(CertificateException.class, () -> Certs.peerIdFromChain(List.of()));
    }

    /** A certificate the CA signed for a look-alike or an id with a NUL names no node we accept. */
    @Test
    void commonNameOutsideTheIdRuleIsRejected() throws Exception {
        Certs.Issued ca = Certs.newAuthority("ca");
        for (String cn : List.of("\u0422Q-SLED:SN0002", "TQ-SLED:SN\u00000002", "TQ-SLED:\uD83D\uDCA3")) {
            Instant now = Instant.now();
            var b = new JcaX509v3CertificateBuilder(new X500Name("CN=ca"), BigInteger.TEN, Date.from(now),
                    Date.from(now.plus(1, ChronoUnit.DAYS)), new org.bouncycastle.asn1.x500.X500NameBuilder()
                            .addRDN(org.bouncycastle.asn1.x500.style.BCStyle.CN, cn).build(),
                    ca.certificate().getPublicKey());
            X509Certificate cert = new JcaX509CertificateConverter()
                    .getCertificate(b.build(new JcaContentSignerBuilder(Certs.SIGNATURE_ALGORITHM).build(ca.key())));
            CertificateException e = assertThrows(CertificateException.class, () -> Certs.peerIdFromCertificate(cert));
            assertTrue(e.getMessage().contains("not a node id") && e.getMessage().contains("visible ASCII"), e.getMessage());
        }
    }

    @Test
    void uriNamingAnotherNodeThanTheCommonNameIsRejected() throws Exception {
        Certs.Issued ca = Certs.newAuthority("ca");
        Certs.Issued honest = Certs.issueNode(ca, N1);
        Instant now = Instant.now();
        var b = new JcaX509v3CertificateBuilder(new X500Name("CN=" + N1), BigInteger.TWO,
                Date.from(now), Date.from(now.plus(1, ChronoUnit.DAYS)), new X500Name("CN=" + N1),
                honest.certificate().getPublicKey());
        b.addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, Certs.NODE_URI_PREFIX + N2)));
        X509Certificate forged = new JcaX509CertificateConverter()
                .getCertificate(b.build(new JcaContentSignerBuilder(Certs.SIGNATURE_ALGORITHM).build(ca.key())));
        CertificateException e = assertThrows(CertificateException.class, () -> Certs.peerIdFromCertificate(forged));
        assertTrue(e.getMessage().contains("two node ids"), e.getMessage());
    }

    @Test
    void duplicateIdsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Certs.makeCluster(dir, List.of(N1, N1)));
    }
}
