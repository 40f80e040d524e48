package org.trustquorum.runtime.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.junit5.VertxExtension;
import java.io.InputStream;
import java.io.Reader;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.trustquorum.core.api.NodeStatus;
import org.trustquorum.core.api.ReconfigureRequest;
import org.trustquorum.core.crypto.Digests;
import org.trustquorum.core.engine.ApiRequest;
import org.trustquorum.core.engine.ApiResponse;
import org.trustquorum.core.model.Configuration;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.KeyShare;
import org.trustquorum.core.model.Member;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.RackId;
import org.trustquorum.core.model.Threshold;
import org.trustquorum.core.msg.PeerMsg;
import org.trustquorum.core.msg.WireMsg;
import org.trustquorum.runtime.tls.Certs;
import org.trustquorum.runtime.tls.NodeTls;

/**
 * Who may talk to a node: only peers with a valid certificate from the rack's CA, and each only as
 * the node its certificate names. (A certificate from another CA is covered by
 * {@code ConnectionRacesTest.peerWithACertificateFromAnotherCaIsRefused}; the admin token by
 * {@code AdminApiTest.missingOrWrongTokenIs401WhateverThePath}.)
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PeerAuthenticationTest {
    private static final RackId RACK = RackId.parse("5d6f3a2b-1c4e-4f8a-9b7c-0d1e2f3a4b5c");
    /** 127.0.0.1 as /proc/net/tcp writes it, and as /proc/net/tcp6 writes its IPv4-mapped form. */
    private static final String IPV4_LOOPBACK = "0100007F";
    private static final String IPV4_MAPPED_LOOPBACK = "0000000000000000FFFF00000100007F";
    /** How long a refused peer is given to be let in by mistake. */
    private static final long REFUSAL_GRACE_MS = 500;

    @TempDir
    Path dir;

    private static NetSocket connect(Vertx vertx, NetClientOptions options, NodeVerticle to) throws Exception {
        NetClient client = vertx.createNetClient(options);
        return client.connect(to.address().port(), to.address().host()).await(LocalCluster.WAIT.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** Tries to connect; the node must count a failed handshake and never see a peer. */
    private static void assertRefused(Vertx vertx, LocalCluster c, NetClientOptions options) throws Exception {
        NodeVerticle a = c.node(1);
        long failuresBefore = a.metrics().handshakeFailures.get();
        try {
            NetSocket s = connect(vertx, options, a);
            // TLS 1.3: the client may think it is done before the server checked its certificate.
            s.write(io.vertx.core.buffer.Buffer.buffer(new byte[] {0, 0, 0, 1, 0}));
        } catch (Exception refusedDuringHandshake) {
            // refused outright: also fine
        }
        LocalCluster.awaitTrue("handshake failure counted", () -> a.metrics().handshakeFailures.get() > failuresBefore);
        Thread.sleep(REFUSAL_GRACE_MS);
        assertEquals(0, a.metrics().connectionsEstablished.get(), "no connection was established");
        assertEquals(0, a.metrics().framesReceived.get(), "no frame was read");
        assertEquals(List.of(), a.inspect(e -> List.copyOf(e.connections().connectedPeers())).await());
    }

    @Test
    void aPeerWithoutAnyClientCertificateCannotCompleteTheHandshake(Vertx vertx) throws Exception {
        try (LocalCluster c = LocalCluster.startFirst(vertx, dir, 2, 1, LocalCluster.TEST_LIMITS)) {
            // Trusts the rack's CA (so it accepts the node's certificate) but presents none itself.
            NetClientOptions noCert = new NetClientOptions().setSsl(true).setHostnameVerificationAlgorithm("")
                    .setTrustOptions(new PemTrustOptions().addCertPath(c.certs.caCertificate().toString()))
                    .setEnabledSecureTransportProtocols(Set.of(NodeTls.TLS_PROTOCOL));
            assertRefused(vertx, c, noCert);
        }
    }

    @Test
    void aPeerWithAnExpiredCertificateFromTheRacksCaIsRefused(Vertx vertx) throws Exception {
        try (LocalCluster c = LocalCluster.startFirst(vertx, dir, 2, 1, LocalCluster.TEST_LIMITS)) {
            NodeTls expired = expiredIdentity(c.certs, c.id(2), dir.resolve("expired"));
            assertRefused(vertx, c, expired.clientOptions());

            // The same node with its valid certificate gets in.
            FakePeer genuine = FakePeer.connect(vertx, c.tls(2), c.node(1).address());
            LocalCluster.awaitTrue("the genuine peer is connected", () -> c.connected(c.id(1), c.id(2)));
            genuine.close();
        }
    }

    /**
     * D holds a genuine certificate of the rack, for D. Whatever it sends, the node hears it as D:
     * acknowledgements it sends for epoch 1 do not count as B's or C's, a prepare naming B as the
     * coordinator is not taken as coming from B, and the node lists D (never B) as connected.
     */
    @Test
    void aPeerIsKnownOnlyByTheIdInItsCertificateWhateverItSends(Vertx vertx) throws Exception {
        try (LocalCluster c = LocalCluster.startFirst(vertx, dir, 4, 1, LocalCluster.TEST_LIMITS)) {
            NodeId a = c.id(1);
            NodeId b = c.id(2);
            NodeId cc = c.id(3);
            NodeId d = c.id(4);
            ReconfigureRequest unsigned = new ReconfigureRequest(RACK, Epoch.of(1), Epoch.NONE, List.of(a, b, cc),
                    Threshold.of(2));
            ApiResponse started = c.call(a, new ApiRequest.Reconfigure(unsigned.signed(c.controlPlaneKey()
                    .signRequest(RACK, unsigned.epoch(), a, unsigned.members(), unsigned.threshold()))));
            assertTrue(started instanceof ApiResponse.Reconfigured r && r.result().isOk(), String.valueOf(started));

            FakePeer fakeD = FakePeer.connect(vertx, c.tls(4), c.node(a).address());
            LocalCluster.awaitTrue("A sees D", () -> c.connected(a, d));
            for (int i = 0; i < 3; i++) {
                fakeD.send(new WireMsg.Protocol(new PeerMsg.PrepareAck(RACK, Epoch.of(1))));
            }
            KeyShare forA = new KeyShare(1, new SecureRandom().generateSeed(KeyShare.SECRET_LENGTH_BYTES));
            Configuration claimsB = new Configuration(RACK, Epoch.of(2), b, List.of(new Member(a, Digests.shareDigest(forA)),
                    new Member(b, Digests.shareDigest(new KeyShare(2, new byte[KeyShare.SECRET_LENGTH_BYTES]))),
                    new Member(cc, Digests.shareDigest(new KeyShare(3, new byte[KeyShare.SECRET_LENGTH_BYTES])))),
                    Threshold.of(2), null, null);
            fakeD.send(new WireMsg.Protocol(new PeerMsg.Prepare(RACK, claimsB, forA)));
            // A ping after them: once it is answered the messages before it were handled.
            fakeD.send(new WireMsg.Ping());
            Thread.sleep(REFUSAL_GRACE_MS);

            NodeStatus s = ((ApiResponse.StatusReport) c.call(a, new ApiRequest.Status())).status();
            assertEquals(List.of(d), s.connectedPeers(), "the peer is D, as its certificate says");
            assertEquals(Epoch.of(1), s.coordinator().epoch(), "still coordinating epoch 1: " + s.coordinator());
            assertEquals(List.of(a), s.coordinator().acked(), "only A's own prepare counts; D's acks are not B's or C's");
            assertEquals(List.of(Epoch.of(1)), s.configEpochs(), "the prepare 'from B' sent by D was not stored");
            assertEquals(List.of(), s.alarms());
            assertTrue(c.node(a).metrics().framesReceived.get() >= 5, "the node did read D's messages");
        }
    }

    @Test
    void theAdminApiListensOnLoopbackUnlessConfiguredOtherwise(Vertx vertx) throws Exception {
        Path file = dir.resolve("node.json");
        Files.writeString(file, """
                {"id": "TQ-SLED:SN0001", "listen": {"host": "127.0.0.1", "port": 0}, "peers": [],
                 "tls": {"ca": "ca.pem", "cert": "n.pem", "key": "n.key"},
                 "ledger": ["a/state.json", "b/state.json"], "controlPlaneKey": "control-plane.pub",
                 "admin": {"port": 0, "token": "0123456789abcdef-token"}}
                """);
        assertEquals("127.0.0.1", NodeConfig.read(file).toSettings(dir, LocalCluster.TEST_LIMITS).admin().host());

        // A running node's admin socket is bound to 127.0.0.1 only (read from the kernel's tables,
        // so nothing has to be sent to a non-loopback address to find out).
        List<Path> tables = List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"));
        assumeTrue(tables.stream().allMatch(Files::isReadable), "no /proc/net/tcp{,6} on this system");
        try (LocalCluster c = LocalCluster.startFirst(vertx, dir.resolve("cluster"), 2, 1, LocalCluster.TEST_LIMITS)) {
            int port = c.node(1).adminPort();
            String portHex = String.format(Locale.ROOT, "%04X", port);
            List<String> listening = new java.util.ArrayList<>();
            for (Path table : tables) {
                Files.readAllLines(table).stream().skip(1).map(String::trim).map(l -> l.split("\\s+"))
                        .filter(f -> f[1].endsWith(":" + portHex) && f[3].equals("0A")).forEach(f -> listening.add(f[1]));
            }
            assertEquals(1, listening.size(), "one listening socket on the admin port: " + listening);
            assertTrue(Set.of(IPV4_LOOPBACK + ":" + portHex, IPV4_MAPPED_LOOPBACK + ":" + portHex).contains(listening.get(0)),
                    "admin listener bound to 127.0.0.1 only, not " + listening.get(0));
        }
    }

    /** A certificate for {@code id}, signed by the rack's CA, whose validity ended yesterday. */
    private static NodeTls expiredIdentity(Certs.ClusterFiles rack, NodeId id, Path out) throws Exception {
        X509Certificate caCert;
        try (InputStream in = Files.newInputStream(rack.caCertificate())) {
            caCert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        PrivateKey caKey;
        try (Reader r = Files.newBufferedReader(rack.caKey()); PEMParser p = new PEMParser(r)) {
            caKey = new JcaPEMKeyConverter().getPrivateKey((PrivateKeyInfo) p.readObject());
        }
        java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC");
        g.initialize(new java.security.spec.ECGenParameterSpec(Certs.CURVE));
        java.security.KeyPair kp = g.generateKeyPair();
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(caCert, BigInteger.valueOf(now.toEpochMilli()),
                Date.from(now.minus(Duration.ofDays(30))), Date.from(now.minus(Duration.ofDays(1))),
                new X500Name("O=trust quorum test cluster,CN=" + id), kp.getPublic());
        b.addExtension(Extension.extendedKeyUsage, false,
                new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
        X509Certificate cert = new JcaX509CertificateConverter()
                .getCertificate(b.build(new JcaContentSignerBuilder(Certs.SIGNATURE_ALGORITHM).build(caKey)));
        Files.createDirectories(out);
        Path certFile = out.resolve("expired.pem");
        Path keyFile = out.resolve("expired.key");
        Certs.writeCertificates(certFile, List.of(cert));
        Certs.writePrivateKey(keyFile, kp.getPrivate());
        return new NodeTls(rack.caCertificate(), certFile, keyFile);
    }
}
