package org.trustquorum.runtime.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import org.trustquorum.runtime.ledger.LedgerFormat;
import org.trustquorum.runtime.wire.WireVersion;
import picocli.CommandLine.IVersionProvider;

/** What {@code tq --version} prints: the release, the commit it was built from and the format versions it speaks. */
public final class BuildInfo implements IVersionProvider {
    /** The resource the build fills in. */
    static final String RESOURCE = "/tq-build.properties";
    private static final String UNKNOWN = "unknown";

    private final String version;
    private final String commit;

    public BuildInfo() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // reported as unknown below
        }
        version = known(p.getProperty("version"));
        commit = known(p.getProperty("commit"));
    }

    /** A value the build did not fill in (an unfiltered placeholder) is unknown. */
    private static String known(String v) {
        return v == null || v.isBlank() || v.startsWith("${") ? UNKNOWN : v.trim();
    }

    public String version() {
        return version;
    }

    public String commit() {
        return commit;
    }

    @Override
    public String[] getVersion() {
        return new String[] {
            "tq " + version,
            "commit: " + commit,
            "wire format: " + WireVersion.CURRENT + " (" + WireVersion.protocolName(WireVersion.CURRENT) + ")",
            "ledger format: " + LedgerFormat.CURRENT,
        };
    }
}
