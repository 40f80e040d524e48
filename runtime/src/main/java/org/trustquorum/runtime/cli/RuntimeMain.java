package org.trustquorum.runtime.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.trustquorum.core.Mutation;
import org.trustquorum.core.engine.EngineLimits;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.runtime.bench.RuntimeBench;
import org.trustquorum.runtime.cluster.ChaosHooks;
import org.trustquorum.runtime.cluster.ChaosRun;
import org.trustquorum.runtime.cluster.ClusterDemo;
import org.trustquorum.runtime.cp.ControlPlaneKeyFiles;
import org.trustquorum.runtime.node.MetricsServer;
import org.trustquorum.runtime.nemesis.Nemesis;
import org.trustquorum.runtime.node.NodeConfig;
import org.trustquorum.runtime.node.NodeDaemon;
import org.trustquorum.runtime.node.NodeSettings;
import org.trustquorum.runtime.tls.Certs;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Entry point of the runtime's commands: {@code tq node|ready|certs|admin|cluster|bench|chaos|fuzz}.
 * Exit codes: {@link ExitCodes}.
 */
@Command(name = "tq", mixinStandardHelpOptions = true, versionProvider = BuildInfo.class, scope = CommandLine.ScopeType.INHERIT,
        description = "Trust quorum runtime commands.",
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:ok", "1:a check failed (or a node stopped because continuing was unsafe)",
            "2:usage: wrong arguments or configuration, or a node could not start", "3:internal error"},
        subcommands = {RuntimeMain.Node.class, ReadyCommand.class, RuntimeMain.CertsCommand.class, AdminCommand.class,
                RuntimeMain.Cluster.class, RuntimeMain.Bench.class, RuntimeMain.Chaos.class, FuzzCommand.class})
public final class RuntimeMain implements Callable<Integer> {
    /** Part number of the node ids {@code tq certs} and {@code tq cluster} make up. */
    public static final String DEMO_PART_NUMBER = "TQ-SLED";

    /** System property read by logback.xml for the level of this project's loggers. */
    static final String LOG_LEVEL_PROPERTY = "tq.log.level";

    public static void main(String[] args) {
        // A node logs what it does; the other commands print their own report and stay quiet
        // unless something goes wrong. Set before the first logger is created.
        if (System.getProperty(LOG_LEVEL_PROPERTY) == null && (args.length == 0 || !args[0].equals("node"))) {
            System.setProperty(LOG_LEVEL_PROPERTY, "WARN");
        }
        LogFormat.chooseBeforeFirstLogger(args);
        System.exit(commandLine().execute(args));
    }

    /** The command line with its exit-code mapping: an unexpected exception is an internal error (3). */
    public static CommandLine commandLine() {
        return new CommandLine(new RuntimeMain()).setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    cmd.getErr().println("tq " + cmd.getCommandName() + ": internal error: " + e);
                    e.printStackTrace(cmd.getErr());
                    return ExitCodes.INTERNAL_ERROR;
                });
    }

    @Override
    public Integer call() {
        new CommandLine(this).usage(System.out);
        return ExitCodes.USAGE;
    }

    /** The node ids of a demo cluster: {@code TQ-SLED:SN0001} ... */
    public static List<NodeId> demoIds(int n) {
        List<NodeId> ids = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            ids.add(new NodeId(DEMO_PART_NUMBER, String.format("SN%04d", i)));
        }
        return ids;
    }

    @Command(name = "node", mixinStandardHelpOptions = true, description = "Run one node until it is stopped (SIGTERM).")
    static final class Node implements Callable<Integer> {
        @Option(names = "--config", required = true, description = "the node's JSON configuration file")
        Path config;

        @Option(names = "--log-format", defaultValue = "text",
                description = "text (ISO timestamps, the node, epoch and peer in braces) or json (one object a line, "
                        + "for log shippers); default ${DEFAULT-VALUE}")
        LogFormat logFormat;

        @Override
        public Integer call() throws Exception {
            NodeSettings settings;
            MetricsServer.Endpoint metrics;
            try {
                NodeConfig c = NodeConfig.read(config);
                settings = c.toSettings(config.toAbsolutePath().getParent(), EngineLimits.DEFAULTS);
                metrics = c.metricsEndpoint();
            } catch (java.io.IOException e) {
                System.err.println("tq node: " + e.getMessage());
                return ExitCodes.USAGE;
            }
            return NodeDaemon.runUntilStopped(settings, metrics);
        }
    }

    @Command(name = "certs", mixinStandardHelpOptions = true,
            description = "Make a test CA and one certificate per node (ids " + DEMO_PART_NUMBER + ":SN0001 ...).")
    static final class CertsCommand implements Callable<Integer> {
        @Option(names = "--nodes", required = true, description = "how many node certificates")
        int nodes;

        @Option(names = "--dir", required = true,
                description = "where to write ca.pem, ca.key, node-N.pem, node-N.key, control-plane.pub, control-plane.key")
        Path dir;

        @Override
        public Integer call() throws Exception {
            if (nodes < 1 || nodes > 1000) {
                System.err.println("tq certs: --nodes must be in 1..1000");
                return 2;
            }
            Certs.ClusterFiles files = Certs.makeCluster(dir, demoIds(nodes));
            System.out.println("CA: " + files.caCertificate() + " (key " + files.caKey() + ")");
            for (Certs.NodeFiles f : files.nodes().values()) {
                System.out.println(f.id() + ": " + f.certificate() + " (key " + f.key() + ")");
            }
            System.out.println("control plane: " + files.controlPlanePublicKey() + " (signing key "
                    + files.controlPlaneDir().resolve(ControlPlaneKeyFiles.PRIVATE_KEY_FILE) + ")");
            return 0;
        }
    }

    @Command(name = "cluster", mixinStandardHelpOptions = true,
            description = "Start N node processes on loopback and drive a reconfiguration demo end to end.")
    static final class Cluster implements Callable<Integer> {
        @Option(names = "--nodes", required = true, description = "number of nodes (4..32); the last one joins later")
        int nodes;

        @Option(names = "--dir", required = true, description = "working directory (certificates, configs, ledgers, logs)")
        Path dir;

        @Option(names = "--keep-running", description = "leave the nodes running when the demo ends")
        boolean keepRunning;

        @Override
        public Integer call() {
            return new ClusterDemo(nodes, dir, keepRunning, System.out).run();
        }
    }

    @Command(name = "chaos", mixinStandardHelpOptions = true,
            description = "Kill (SIGKILL) and restart node processes while driving reconfigurations; check nothing is lost.")
    static final class Chaos implements Callable<Integer> {
        @Option(names = "--nodes", defaultValue = "5", description = "node processes (" + ChaosRun.MIN_NODES + ".."
                + ChaosRun.MAX_NODES + ", default ${DEFAULT-VALUE}); the last one joins in round 1")
        int nodes;

        @Option(names = "--rounds", required = true, description = "rounds: one kill and restart, one reconfiguration each")
        int rounds;

        @Option(names = "--dir", description = "working directory (default: a new temporary directory)")
        Path dir;

        @Option(names = "--seed", description = "seed of the kill schedule (default: random, printed)")
        Long seed;

        @Option(names = "--nemesis", description = "also put a fault proxy on every peer link: link faults and a burst of"
                + " proxied requests in every round, and their checks")
        boolean nemesis;

        @Option(names = "--mutant", description = "TEST ONLY, with --nemesis: start every node with this guard of the"
                + " connection layer turned off (a core mutant name, e.g. tracker-not-cleared-on-exit)")
        String mutant;

        @Override
        public Integer call() throws Exception {
            Path d = dir != null ? dir : ChaosRun.defaultDir();
            long s = seed != null ? seed : ChaosRun.randomSeed();
            if (mutant != null && !nemesis) {
                System.out.println("tq chaos: --mutant needs --nemesis");
                return 2;
            }
            Mutation m;
            try {
                m = mutant == null ? Mutation.NONE : Mutation.fromCliName(mutant);
            } catch (IllegalArgumentException e) {
                System.out.println("tq chaos: " + e.getMessage());
                return 2;
            }
            ChaosHooks hooks = nemesis
                    ? new Nemesis(s, demoIds(nodes), m)
                    : ChaosHooks.NONE;
            return new ChaosRun(nodes, rounds, d, s, System.out, hooks).run();
        }
    }

    @Command(name = "bench", mixinStandardHelpOptions = true,
            description = "Proxied status round trip vs. raw TLS round trip, and a 16-node reconfiguration.")
    static final class Bench implements Callable<Integer> {
        @Option(names = "--json", description = "also write the results as JSON to this file")
        Path json;

        @Option(names = "--rounds", defaultValue = "" + RuntimeBench.DEFAULT_ROUNDS, description = "measured round trips of each kind")
        int rounds;

        @Option(names = "--nodes", defaultValue = "" + RuntimeBench.DEFAULT_RECONFIGURATION_NODES,
                description = "nodes in the reconfiguration benchmark")
        int nodes;

        @Option(names = "--reconfigurations", defaultValue = "" + RuntimeBench.DEFAULT_RECONFIGURATIONS,
                description = "reconfigurations timed: the initial one, then the rest on the warm rack (median and range reported)")
        int reconfigurations;

        @Override
        public Integer call() throws Exception {
            return new RuntimeBench(rounds, nodes, reconfigurations, json, System.out).run();
        }
    }
}
