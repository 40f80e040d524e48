package org.trustquorum.runtime.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.trustquorum.runtime.admin.AdminClient;
import org.trustquorum.runtime.admin.AdminException;
import org.trustquorum.runtime.node.NodeConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Waits until the node of a configuration file answers on its admin API: the readiness probe of
 * the systemd unit ({@code ExecStartPost}), usable by any script. A node opens its admin API only
 * after it loaded its ledger and listens for peers, so an answer means the node is up.
 */
@Command(name = "ready", mixinStandardHelpOptions = true,
        description = "Wait until the node of a configuration file answers on its admin API (exit 0), or time out (exit 1).")
final class ReadyCommand implements Callable<Integer> {
    /** Pause between two probes. */
    static final long PROBE_INTERVAL_MS = 200;

    @Option(names = "--config", required = true, description = "the node's JSON configuration file")
    Path config;

    @Option(names = "--timeout", defaultValue = "60", description = "seconds to wait (default ${DEFAULT-VALUE})")
    long timeoutSeconds;

    @Override
    public Integer call() throws InterruptedException {
        NodeConfig c;
        try {
            c = NodeConfig.read(config);
        } catch (IOException e) {
            System.err.println("tq ready: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        if (c.admin() == null) {
            System.err.println("tq ready: " + config + " configures no admin API, so readiness cannot be observed");
            return ExitCodes.USAGE;
        }
        String host = c.admin().host() == null ? NodeConfig.DEFAULT_ADMIN_HOST : c.admin().host();
        AdminClient client = new AdminClient(host, c.admin().port(), c.admin().token());
        long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
        String last = "no answer yet";
        do {
            try {
                AdminClient.Raw r = AdminClient.await(client.raw("GET", "/health", null));
                if (r.status() == 200) {
                    System.out.println("ready: " + client.address());
                    return ExitCodes.OK;
                }
                last = "HTTP " + r.status();
            } catch (AdminException e) {
                last = e.getMessage();
            }
            Thread.sleep(PROBE_INTERVAL_MS);
        } while (System.nanoTime() < deadline);
        System.err.println("tq ready: no answer from the admin API at " + client.address() + " within " + timeoutSeconds
                + " s (last: " + last + ")");
        return ExitCodes.CHECK_FAILED;
    }
}
