import { resourcePolicy } from "../../lib/policy";
import { at } from "../../lib/resources";
import { flag, isSet } from "../lib/values";

const CLUSTER = "gcp:container/cluster:Cluster";

/**
 * Provider and GKE defaults (@pulumi/gcp 9.x): `enableShieldedNodes` absent is true;
 * `enableLegacyAbac` absent is false; `masterAuth.clientCertificateConfig.issueClientCertificate`
 * absent is false; private nodes, a Workload Identity pool and network policy are off unless set.
 * A release channel must be explicit: GKE picks one for new clusters, but an explicit channel is
 * the only way to know the upgrade cadence from the code. Autopilot clusters always have private
 * nodes (when asked), Workload Identity, Shielded Nodes and Dataplane V2, so only the private nodes,
 * release channel and auth checks apply to them.
 */
export const gkeClusterHardening = resourcePolicy<object>({
  name: "cnai-gke-cluster-hardening",
  description:
    "GKE clusters have private nodes, Workload Identity, Shielded Nodes, a release channel, network policy enforcement, no legacy ABAC and " +
    "no basic-auth or client-certificate credentials: nodes stay off the internet, Pods get short-lived Google credentials instead of node keys, " +
    "node boot integrity is verified, security patches arrive on a schedule, and Pods can be isolated from one another.",
  types: [CLUSTER],
  validate: (args, report) => {
    const p = args.props;
    const autopilot = at(p, "enableAutopilot") === true;
    if (at(p, "privateClusterConfig.enablePrivateNodes") !== true) {
      report(
        "Nodes have public IPs: privateClusterConfig.enablePrivateNodes is not true. Set it (GkeCluster's private nodes default), with Cloud NAT for egress.",
      );
    }
    const channel = at(p, "releaseChannel.channel");
    if (channel === undefined || channel === "UNSPECIFIED") {
      report(
        `releaseChannel.channel is ${channel ?? "not set"}: upgrades are not on a known schedule. Set it to RAPID, REGULAR or STABLE (STABLE for prod).`,
      );
    }
    if (flag(p, "enableLegacyAbac", false))
      report("enableLegacyAbac is true: ABAC grants bypass RBAC. Set enableLegacyAbac: false.");
    if (isSet(p, "masterAuth.username") || isSet(p, "masterAuth.password")) {
      report(
        "masterAuth sets a basic-auth username or password, a static credential to the API server. Remove them; use Google identities (gke-gcloud-auth-plugin).",
      );
    }
    if (flag(p, "masterAuth.clientCertificateConfig.issueClientCertificate", false)) {
      report(
        "masterAuth.clientCertificateConfig.issueClientCertificate is true: a long-lived admin certificate that cannot be revoked. Set it to false.",
      );
    }
    if (autopilot) return;
    if (!isSet(p, "workloadIdentityConfig.workloadPool")) {
      report(
        'No Workload Identity pool (workloadIdentityConfig.workloadPool): Pods would use the node\'s service account. Set it to "<project>.svc.id.goog".',
      );
    }
    if (!flag(p, "enableShieldedNodes", true))
      report("enableShieldedNodes is false: node boot integrity is not verified. Remove it or set it to true.");
    const dataplaneV2 = at(p, "datapathProvider") === "ADVANCED_DATAPATH";
    if (!dataplaneV2 && at(p, "networkPolicy.enabled") !== true) {
      report(
        "NetworkPolicies are not enforced: neither Dataplane V2 (datapathProvider: ADVANCED_DATAPATH) nor networkPolicy.enabled. Use Dataplane V2 (GkeCluster's default).",
      );
    }
  },
});
