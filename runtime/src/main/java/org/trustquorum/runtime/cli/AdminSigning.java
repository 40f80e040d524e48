package org.trustquorum.runtime.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.trustquorum.core.auth.ControlPlaneKey;
import org.trustquorum.core.model.Configuration;
import org.trustquorum.core.model.CpSignature;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.RackId;
import org.trustquorum.core.model.Threshold;
import org.trustquorum.runtime.admin.ApiJson;
import org.trustquorum.runtime.cp.ControlPlaneKeyFiles;

/**
 * What {@code tq admin} signs with the control plane's key, for an operator acting as the control
 * plane: the proposal of a reconfiguration, and the commit decision of a configuration the
 * coordinator built from such a proposal. A node refuses both calls without a valid signature.
 */
final class AdminSigning {
    /** The JSON field of a request (and of a signed-commit file) that carries the signature. */
    static final String SIGNATURE = "signature";

    private AdminSigning() {}

    static ControlPlaneKey keys(Path dir) throws IOException {
        return ControlPlaneKeyFiles.readPair(dir);
    }

    static String encode(CpSignature s) {
        return Base64.getEncoder().encodeToString(s.bytes());
    }

    /** The signature of a proposal: rack, epoch, coordinator, members and threshold. */
    static String signProposal(ControlPlaneKey key, String rack, long epoch, String coordinator, List<String> members,
            int threshold) {
        return encode(key.signRequest(RackId.parse(rack), Epoch.of(epoch), NodeId.parse(coordinator),
                members.stream().map(NodeId::parse).toList(), Threshold.of(threshold)));
    }

    /**
     * The signed commit of the configuration of {@code epoch} that a coordinator's status reports:
     * {@code {"config": ..., "signature": ...}}. Refused unless that configuration carries this
     * key's proposal signature (a coordinator's own invention is never signed).
     */
    static ObjectNode signCommit(ControlPlaneKey key, JsonNode status, long epoch) throws IOException {
        JsonNode coordinator = status.get("coordinator");
        JsonNode configNode = coordinator == null ? null : coordinator.get("config");
        if (configNode == null || !configNode.isObject()) {
            throw new IOException("the node is not coordinating any configuration (its status has no coordinator.config)");
        }
        Configuration config = ApiJson.MAPPER.treeToValue(configNode, Configuration.class);
        if (config.epoch().value() != epoch) {
            throw new IOException("the node coordinates epoch " + config.epoch() + ", not epoch " + epoch);
        }
        Optional<String> problem = key.authority().checkProposal(config);
        if (problem.isPresent()) {
            throw new IOException("refusing to sign the commit of epoch " + epoch + ": " + problem.get());
        }
        ObjectNode out = ApiJson.MAPPER.createObjectNode();
        out.set("config", configNode);
        out.put(SIGNATURE, encode(key.signCommit(config)));
        return out;
    }

    /** The commit signature in a file written by {@code tq admin sign-commit}. */
    static String signatureIn(Path signedFile) throws IOException {
        JsonNode n = ApiJson.MAPPER.readTree(Files.readAllBytes(signedFile));
        JsonNode s = n.get(SIGNATURE);
        if (s == null || !s.isTextual()) {
            throw new IOException(signedFile + ": no '" + SIGNATURE + "' field (write it with tq admin sign-commit)");
        }
        return s.asText();
    }
}
