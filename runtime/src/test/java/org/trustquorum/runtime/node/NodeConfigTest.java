package org.trustquorum.runtime.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trustquorum.core.engine.EngineLimits;
import org.trustquorum.core.engine.PeerAddress;
import org.trustquorum.core.model.NodeId;

/** The node configuration file: what it accepts, how it resolves paths, and the messages it gives. */
class NodeConfigTest {
    @TempDir
    Path dir;

    private static final String GOOD = """
            {
              "id": "TQ-SLED:SN0001",
              "listen": {"host": "127.0.0.1", "port": 7001},
              "peers": [{"host": "127.0.0.1", "port": 7002}, {"host": "127.0.0.1", "port": 7003}],
              "tls": {"ca": "certs/ca.pem", "cert": "certs/node-1.pem", "key": "certs/node-1.key"},
              "ledger": ["ledger/a.json", "/var/tmp/tq-copy/b.json"],
              "admin": {"port": 8001, "token": "0123456789abcdef0123"},
              "controlPlaneKey": "certs/control-plane.pub"
            }
            """;

    private NodeSettings read(String json) throws IOException {
        Path f = dir.resolve("config.json");
        Files.writeString(f, json);
        return NodeConfig.read(f).toSettings(dir, EngineLimits.DEFAULTS);
    }

    @Test
    void readsAFileAndResolvesRelativePathsAgainstItsDirectory() throws IOException {
        NodeSettings s = read(GOOD);
        assertEquals(NodeId.parse("TQ-SLED:SN0001"), s.id());
        assertEquals(7001, s.listenPort());
        assertEquals("127.0.0.1", s.advertisedHost());
        assertEquals(List.of(new PeerAddress("127.0.0.1", 7002), new PeerAddress("127.0.0.1", 7003)), s.peers());
        assertEquals(dir.resolve("certs/ca.pem").toAbsolutePath(), s.tls().caCertificate());
        assertEquals(List.of(dir.resolve("ledger/a.json").toAbsolutePath(), Path.of("/var/tmp/tq-copy/b.json")), s.ledgerPaths());
        assertEquals(NodeConfig.DEFAULT_ADMIN_HOST, s.admin().host(), "the admin API defaults to loopback");
        assertTrue(!s.admin().toString().contains("0123456789abcdef"), "the token is not printed");
        assertEquals(dir.resolve("certs/control-plane.pub").toAbsolutePath(), s.controlPlaneKey());
    }

    @Test
    void writtenFilesAreOwnerOnlyAndReadBack() throws IOException {
        Path f = dir.resolve("config.json");
        Files.writeString(f, GOOD);
        NodeConfig c = NodeConfig.read(f);
        Path copy = dir.resolve("copy.json");
        c.write(copy);
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(copy)));
        assertEquals(c, NodeConfig.read(copy));
    }

    @Test
    void refusesWhatWouldBeUnsafeOrAmbiguous() {
        IOException typo = assertThrows(IOException.class, () -> read(GOOD.replace("\"peers\"", "\"peer\"")));
        assertTrue(typo.getMessage().contains("peer"), typo.getMessage());
        IOException oneLedger = assertThrows(IOException.class,
                () -> read(GOOD.replace("\"ledger/a.json\", \"/var/tmp/tq-copy/b.json\"", "\"ledger/a.json\"")));
        assertTrue(oneLedger.getMessage().contains("at least 2"), oneLedger.getMessage());
        IOException shortToken = assertThrows(IOException.class, () -> read(GOOD.replace("0123456789abcdef0123", "short")));
        assertTrue(shortToken.getMessage().contains("at least " + NodeSettings.MIN_TOKEN_CHARS), shortToken.getMessage());
        IOException badId = assertThrows(IOException.class, () -> read(GOOD.replace("TQ-SLED:SN0001", "no-colon")));
        assertTrue(badId.getMessage().contains("PART:SERIAL"), badId.getMessage());
        IOException noKey = assertThrows(IOException.class,
                () -> read(GOOD.replace(",\n  \"controlPlaneKey\": \"certs/control-plane.pub\"", "")));
        assertTrue(noKey.getMessage().contains("controlPlaneKey"), noKey.getMessage());
        IOException lookAlike = assertThrows(IOException.class, () -> read(GOOD.replace("TQ-SLED:SN0001", "\u0422Q-SLED:SN0001")));
        assertTrue(lookAlike.getMessage().contains("'id'") && lookAlike.getMessage().contains("U+0422"), lookAlike.getMessage());
        IOException badPort = assertThrows(IOException.class, () -> read(GOOD.replace("7002", "70000")));
        assertTrue(badPort.getMessage().contains("port"), badPort.getMessage());
    }
}
