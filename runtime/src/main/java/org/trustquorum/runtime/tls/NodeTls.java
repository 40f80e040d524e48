package org.trustquorum.runtime.tls;

import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.ServerSSLOptions;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.util.Set;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.runtime.wire.WireVersion;

/**
 * Mutual-TLS settings of a node: its own certificate and key, and the CA it trusts for peers.
 * Both sides present certificates; TLS 1.3 only.
 *
 * <p>Peers are identified by the node id in their certificate, not by host name: a dialer checks
 * that the accepted certificate names the node it meant to reach ({@link #verifyPeer}), and an
 * acceptor learns who called from the client certificate ({@link #peerId}). Host-name
 * verification is therefore off; trust comes from the CA plus the id check.
 */
public record NodeTls(Path caCertificate, Path certificate, Path key) {
    public static final String TLS_PROTOCOL = "TLSv1.3";
    /** How long a TLS handshake may take before the connection is dropped. */
    public static final long HANDSHAKE_TIMEOUT_MS = 10_000;

    public static NodeTls of(Certs.ClusterFiles files, NodeId id) {
        Certs.NodeFiles f = files.node(id);
        return new NodeTls(files.caCertificate(), f.certificate(), f.key());
    }

    public NetServerOptions serverOptions(String host, int port) {
        NetServerOptions o = new NetServerOptions().setHost(host).setPort(port).setSsl(true)
                .setClientAuth(ClientAuth.REQUIRED)
                .setKeyCertOptions(keyCert())
                .setTrustOptions(trust())
                .setEnabledSecureTransportProtocols(Set.of(TLS_PROTOCOL))
                .setUseAlpn(true);
        o.getSslOptions().setApplicationLayerProtocols(WireVersion.alpnProtocols());
        o.setSslHandshakeTimeout(HANDSHAKE_TIMEOUT_MS);
        o.setSslHandshakeTimeoutUnit(java.util.concurrent.TimeUnit.MILLISECONDS);
        return o;
    }

    /**
     * TLS settings for a socket that was accepted as plain TCP and is then upgraded with
     * {@code socket.upgradeToSsl(options)}. A node accepts this way so that it sees (and counts)
     * every connection before its handshake, and learns the handshake's outcome from the future
     * that {@code upgradeToSsl} returns. The client certificate is required, as in
     * {@link #serverOptions}.
     */
    public ServerSSLOptions serverUpgradeOptions() {
        ServerSSLOptions o = new ServerSSLOptions().setClientAuth(ClientAuth.REQUIRED)
                .setKeyCertOptions(keyCert())
                .setTrustOptions(trust())
                .setEnabledSecureTransportProtocols(Set.of(TLS_PROTOCOL))
                .setUseAlpn(true).setApplicationLayerProtocols(WireVersion.alpnProtocols());
        o.setSslHandshakeTimeout(HANDSHAKE_TIMEOUT_MS);
        o.setSslHandshakeTimeoutUnit(java.util.concurrent.TimeUnit.MILLISECONDS);
        return o;
    }

    public NetClientOptions clientOptions() {
        NetClientOptions o = new NetClientOptions().setSsl(true)
                .setHostnameVerificationAlgorithm("")
                .setKeyCertOptions(keyCert())
                .setTrustOptions(trust())
                .setEnabledSecureTransportProtocols(Set.of(TLS_PROTOCOL))
                .setUseAlpn(true).setApplicationLayerProtocols(WireVersion.alpnProtocols());
        o.setSslHandshakeTimeout(HANDSHAKE_TIMEOUT_MS);
        o.setSslHandshakeTimeoutUnit(java.util.concurrent.TimeUnit.MILLISECONDS);
        return o;
    }

    private PemKeyCertOptions keyCert() {
        return new PemKeyCertOptions().setCertPath(certificate.toString()).setKeyPath(key.toString());
    }

    private PemTrustOptions trust() {
        return new PemTrustOptions().addCertPath(caCertificate.toString());
    }

    /** The node id in the certificate the other end of a TLS socket presented. */
    public static NodeId peerId(NetSocket socket) throws CertificateException {
        try {
            return Certs.peerIdFromChain(socket.peerCertificates());
        } catch (SSLPeerUnverifiedException e) {
            throw new CertificateException("peer is not authenticated: " + e.getMessage());
        }
    }

    /** Checks that a dialled socket reached the node we meant; returns its id. */
    public static NodeId verifyPeer(NetSocket socket, NodeId expected) throws CertificateException {
        NodeId actual = peerId(socket);
        if (!actual.equals(expected)) {
            throw new CertificateException("dialled " + expected + " but reached " + actual);
        }
        return actual;
    }
}
