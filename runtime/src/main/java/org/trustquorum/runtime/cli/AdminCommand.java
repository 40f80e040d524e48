package org.trustquorum.runtime.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import org.trustquorum.core.model.Configuration;
import org.trustquorum.runtime.admin.AdminClient;
import org.trustquorum.runtime.admin.AdminException;
import org.trustquorum.runtime.admin.ApiJson;
import org.trustquorum.runtime.admin.Route;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code tq admin}: the admin API from the command line. Prints the node's JSON answer on stdout.
 * Exit code 0 for a 2xx answer, 1 for any other answer (the body says why), 2 if the node could
 * not be reached or the arguments are wrong.
 */
@Command(name = "admin", mixinStandardHelpOptions = true, description = "Call a node's admin API and print its JSON answer.",
        subcommands = {AdminCommand.Status.class, AdminCommand.Reconfigure.class, AdminCommand.Commit.class,
                AdminCommand.PrepareAndCommit.class, AdminCommand.LoadSecret.class, AdminCommand.ClearSecrets.class,
                AdminCommand.Proxy.class, AdminCommand.NetworkConfig.class, AdminCommand.Metrics.class,
                AdminCommand.Health.class, AdminCommand.SignCommit.class})
final class AdminCommand implements Callable<Integer> {
    /** Environment variable holding the token when neither --token nor --token-file is given. */
    static final String TOKEN_ENV = "TQ_ADMIN_TOKEN";

    @Option(names = "--node", required = true, description = "the admin API address, HOST:PORT")
    String node;

    @Option(names = "--token", description = "bearer token (or --token-file, or $" + TOKEN_ENV + ")")
    String token;

    @Option(names = "--token-file", description = "file holding the bearer token")
    Path tokenFile;

    @Override
    public Integer call() {
        System.err.println("tq admin: name a call: status, reconfigure, commit, prepare-and-commit, load-secret, "
                + "clear-secrets, proxy commit|prepare-and-commit|status, network-config, metrics, health");
        return 2;
    }

    AdminClient client() throws IOException {
        int colon = node.lastIndexOf(':');
        if (colon <= 0 || colon == node.length() - 1) {
            throw new IOException("--node must be HOST:PORT, got '" + node + "'");
        }
        String host = node.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(node.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IOException("--node port is not a number: '" + node + "'");
        }
        String t = token;
        if (t == null && tokenFile != null) {
            t = Files.readString(tokenFile, StandardCharsets.UTF_8).trim();
        }
        if (t == null) {
            t = System.getenv(TOKEN_ENV);
        }
        return new AdminClient(host, port, t);
    }

    /** Sends one request and prints the answer. */
    int send(String method, Route route, JsonNode body) {
        try {
            AdminClient c = client();
            String text = body == null ? null : ApiJson.MAPPER.writeValueAsString(body);
            AdminClient.Raw r = AdminClient.await(c.raw(method, route.path, text));
            if (r.body() != null) {
                System.out.println(ApiJson.MAPPER.writer(SerializationFeature.INDENT_OUTPUT).writeValueAsString(r.body()));
            } else if (r.text() != null) {
                System.out.print(r.text());
            }
            return r.status() >= 200 && r.status() < 300 ? 0 : 1;
        } catch (AdminException | IOException e) {
            System.err.println("tq admin: " + e.getMessage());
            return 2;
        }
    }

    /** The JSON answer of a GET, or an exception naming the status when it is not 2xx. */
    JsonNode fetch(Route route) throws IOException, AdminException {
        AdminClient.Raw r = AdminClient.await(client().raw("GET", route.path, null));
        if (r.status() < 200 || r.status() >= 300 || r.body() == null) {
            throw new IOException(route.path + " answered " + r.status() + (r.body() == null ? "" : ": " + r.body()));
        }
        return r.body();
    }

    /** Adds the commit signature of {@code signed} (a file of sign-commit) to {@code body}. */
    static boolean addCommitSignature(ObjectNode body, Path signed) {
        if (signed == null) {
            return true;
        }
        try {
            body.put(AdminSigning.SIGNATURE, AdminSigning.signatureIn(signed));
            return true;
        } catch (IOException e) {
            System.err.println("tq admin: " + e.getMessage());
            return false;
        }
    }

    /** A prepare-and-commit body from a configuration file; its signature too, if it holds one. */
    static ObjectNode configBody(ObjectNode b, Path file) throws IOException {
        b.set("config", readConfig(file));
        JsonNode whole = ApiJson.MAPPER.readTree(Files.readAllBytes(file));
        if (whole.has(AdminSigning.SIGNATURE)) {
            b.put(AdminSigning.SIGNATURE, whole.get(AdminSigning.SIGNATURE).asText());
        }
        return b;
    }

    static ObjectNode obj() {
        return ApiJson.MAPPER.createObjectNode();
    }

    static JsonNode readConfig(Path file) throws IOException {
        JsonNode n = ApiJson.MAPPER.readTree(Files.readAllBytes(file));
        // Accept either a bare configuration or a status's coordinator block holding one.
        if (n.has("config") && n.get("config").isObject()) {
            n = n.get("config");
        }
        ApiJson.MAPPER.treeToValue(n, Configuration.class); // fail here, with a local message, if it is not one
        return n;
    }

    abstract static class Sub implements Callable<Integer> {
        @ParentCommand
        AdminCommand admin;
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "The node's status.")
    static final class Status extends Sub {
        @Override
        public Integer call() {
            return admin.send("GET", Route.STATUS, null);
        }
    }

    @Command(name = "reconfigure", mixinStandardHelpOptions = true, description = "Ask the node to coordinate a new configuration.")
    static final class Reconfigure extends Sub {
        @Option(names = "--rack-id", required = true)
        String rackId;
        @Option(names = "--epoch", required = true)
        long epoch;
        @Option(names = "--last-committed", defaultValue = "0", description = "last committed epoch (0 for a new rack)")
        long lastCommitted;
        @Option(names = "--members", required = true, split = ",", description = "PART:SERIAL,PART:SERIAL,...")
        List<String> members;
        @Option(names = "--threshold", required = true)
        int threshold;
        @Option(names = "--sign-with", description = "directory holding the control plane's key pair "
                + "(control-plane.key, control-plane.pub): sign the proposal; nodes refuse an unsigned one")
        Path signWith;
        @Option(names = "--coordinator", description = "the coordinator's id, PART:SERIAL (default: asked from the node)")
        String coordinator;

        @Override
        public Integer call() {
            ObjectNode b = obj().put("rackId", rackId).put("epoch", epoch).put("lastCommittedEpoch", lastCommitted)
                    .put("threshold", threshold);
            b.set("members", ApiJson.MAPPER.valueToTree(members));
            if (signWith != null) {
                try {
                    String coord = coordinator != null ? coordinator : admin.fetch(Route.STATUS).get("id").asText();
                    b.put(AdminSigning.SIGNATURE, AdminSigning.signProposal(AdminSigning.keys(signWith), rackId, epoch,
                            coord, members, threshold));
                } catch (IOException | AdminException | IllegalArgumentException e) {
                    System.err.println("tq admin reconfigure: cannot sign: " + e.getMessage());
                    return 2;
                }
            }
            return admin.send("POST", Route.RECONFIGURE, b);
        }
    }

    @Command(name = "commit", mixinStandardHelpOptions = true, description = "Commit an epoch the node prepared.")
    static final class Commit extends Sub {
        @Option(names = "--rack-id", required = true)
        String rackId;
        @Option(names = "--epoch", required = true)
        long epoch;

        @Option(names = "--signed", description = "the file `tq admin sign-commit` wrote for this epoch")
        Path signed;

        @Override
        public Integer call() {
            ObjectNode b = obj().put("rackId", rackId).put("epoch", epoch);
            return addCommitSignature(b, signed) ? admin.send("POST", Route.COMMIT, b) : 2;
        }
    }

    @Command(name = "sign-commit", mixinStandardHelpOptions = true,
            description = "As the control plane: sign the commit of the configuration this node coordinates "
                    + "(refused unless it carries the control plane's proposal signature); writes {config, signature}.")
    static final class SignCommit extends Sub {
        @Option(names = "--epoch", required = true)
        long epoch;
        @Option(names = "--sign-with", required = true, description = "directory holding the control plane's key pair")
        Path signWith;
        @Option(names = "--out", required = true, description = "file to write (give it to commit --signed, "
                + "prepare-and-commit --config and the proxy forms)")
        Path out;

        @Override
        public Integer call() {
            try {
                ObjectNode signedCommit = AdminSigning.signCommit(AdminSigning.keys(signWith), admin.fetch(Route.STATUS), epoch);
                Files.write(out, ApiJson.MAPPER.writeValueAsBytes(signedCommit));
                System.out.println("signed the commit of epoch " + epoch + " into " + out);
                return 0;
            } catch (IOException | AdminException | IllegalArgumentException e) {
                System.err.println("tq admin sign-commit: " + e.getMessage());
                return 1;
            }
        }
    }

    @Command(name = "prepare-and-commit", mixinStandardHelpOptions = true,
            description = "Commit a configuration at a member that missed its prepare.")
    static final class PrepareAndCommit extends Sub {
        @Option(names = "--config", required = true, description = "JSON file holding the configuration")
        Path config;

        @Override
        public Integer call() {
            ObjectNode b = obj();
            try {
                configBody(b, config);
            } catch (IOException e) {
                System.err.println("tq admin: " + config + ": " + e.getMessage());
                return 2;
            }
            return admin.send("POST", Route.PREPARE_AND_COMMIT, b);
        }
    }

    @Command(name = "load-secret", mixinStandardHelpOptions = true,
            description = "Load the rack secret of an epoch; prints whether it is loaded and its fingerprint, never the secret.")
    static final class LoadSecret extends Sub {
        @Option(names = "--epoch", required = true)
        long epoch;

        @Override
        public Integer call() {
            return admin.send("POST", Route.LOAD_SECRET, obj().put("epoch", epoch));
        }
    }

    @Command(name = "clear-secrets", mixinStandardHelpOptions = true, description = "Forget every loaded rack secret.")
    static final class ClearSecrets extends Sub {
        @Override
        public Integer call() {
            return admin.send("POST", Route.CLEAR_SECRETS, obj());
        }
    }

    @Command(name = "metrics", mixinStandardHelpOptions = true, description = "The node's metrics (Prometheus text).")
    static final class Metrics extends Sub {
        @Override
        public Integer call() {
            return admin.send("GET", Route.METRICS, null);
        }
    }

    @Command(name = "health", mixinStandardHelpOptions = true, description = "Whether the admin API answers.")
    static final class Health extends Sub {
        @Override
        public Integer call() {
            return admin.send("GET", Route.HEALTH, null);
        }
    }

    @Command(name = "network-config", mixinStandardHelpOptions = true,
            description = "Show the gossiped network configuration, or set a new one with --generation and --blob-file/--blob-base64.")
    static final class NetworkConfig extends Sub {
        @Option(names = "--generation", description = "generation of the new value (must exceed the current one)")
        Long generation;
        @Option(names = "--blob-file", description = "file holding the new blob")
        Path blobFile;
        @Option(names = "--blob-base64", description = "the new blob, base64")
        String blobBase64;

        @Override
        public Integer call() {
            if (generation == null && blobFile == null && blobBase64 == null) {
                return admin.send("GET", Route.NETWORK_CONFIG, null);
            }
            if (generation == null || (blobFile == null) == (blobBase64 == null)) {
                System.err.println("tq admin network-config: give --generation and exactly one of --blob-file, --blob-base64");
                return 2;
            }
            String b64;
            try {
                b64 = blobFile != null ? Base64.getEncoder().encodeToString(Files.readAllBytes(blobFile)) : blobBase64;
            } catch (IOException e) {
                System.err.println("tq admin: " + e.getMessage());
                return 2;
            }
            return admin.send("POST", Route.NETWORK_CONFIG, obj().put("generation", generation).put("blob", b64));
        }
    }

    @Command(name = "proxy", mixinStandardHelpOptions = true, description = "Ask this node to forward a call to another node.",
            subcommands = {Proxy.ProxyCommit.class, Proxy.ProxyPrepareAndCommit.class, Proxy.ProxyStatus.class})
    static final class Proxy implements Callable<Integer> {
        @ParentCommand
        AdminCommand admin;

        @Override
        public Integer call() {
            System.err.println("tq admin proxy: name the call: commit, prepare-and-commit or status");
            return 2;
        }

        abstract static class ProxySub implements Callable<Integer> {
            @ParentCommand
            Proxy proxy;
            @Option(names = "--to", required = true, description = "the destination node, PART:SERIAL")
            String to;
        }

        @Command(name = "commit", mixinStandardHelpOptions = true, description = "Proxied commit.")
        static final class ProxyCommit extends ProxySub {
            @Option(names = "--rack-id", required = true)
            String rackId;
            @Option(names = "--epoch", required = true)
            long epoch;

            @Option(names = "--signed", description = "the file `tq admin sign-commit` wrote for this epoch")
            Path signed;

            @Override
            public Integer call() {
                ObjectNode b = obj().put("to", to).put("rackId", rackId).put("epoch", epoch);
                return addCommitSignature(b, signed) ? proxy.admin.send("POST", Route.PROXY_COMMIT, b) : 2;
            }
        }

        @Command(name = "prepare-and-commit", mixinStandardHelpOptions = true, description = "Proxied prepare-and-commit.")
        static final class ProxyPrepareAndCommit extends ProxySub {
            @Option(names = "--config", required = true, description = "JSON file holding the configuration")
            Path config;

            @Override
            public Integer call() {
                ObjectNode b = obj().put("to", to);
                try {
                    configBody(b, config);
                } catch (IOException e) {
                    System.err.println("tq admin: " + config + ": " + e.getMessage());
                    return 2;
                }
                return proxy.admin.send("POST", Route.PROXY_PREPARE_AND_COMMIT, b);
            }
        }

        @Command(name = "status", mixinStandardHelpOptions = true, description = "Proxied status.")
        static final class ProxyStatus extends ProxySub {
            @Override
            public Integer call() {
                return proxy.admin.send("POST", Route.PROXY_STATUS, obj().put("to", to));
            }
        }
    }
}
