import { resourcePolicy } from "../../lib/policy";
import { at } from "../../lib/resources";
import { flag, isSet, rawAt } from "../lib/values";

const NODE_POOL = "gcp:container/nodePool:NodePool";
const CLUSTER = "gcp:container/cluster:Cluster";
const DEFAULT_COMPUTE_SA = /-compute@developer\.gserviceaccount\.com$/;

/**
 * Checks node pools, and a cluster's own `nodeConfig` when it keeps its default pool
 * (`removeDefaultNodePool` not true; Autopilot clusters have none). Defaults (@pulumi/gcp 9.x and
 * GKE): `management.autoRepair` and `autoUpgrade` absent are true; `shieldedInstanceConfig.
 * enableSecureBoot` absent is false; `serviceAccount` absent is the Compute Engine default service
 * account; `workloadMetadataConfig` absent is inherited from the cluster, which this policy cannot
 * see, so it must be set. Dynamic Workload Scheduler pools (queued provisioning and flex-start)
 * have auto-repair off (GKE rejects queued pools otherwise, and its flex-start guidance turns it
 * off: a repair deletes a VM DWS may not obtain again; components/catalog/gcp-api-rules.ts), so they may.
 */
export const nodePoolHardening = resourcePolicy<object>({
  name: "cnai-node-pool-hardening",
  description:
    "GKE nodes use the GKE metadata server, a dedicated least-privilege service account, auto-repair, auto-upgrade and Secure Boot: " +
    "Pods cannot read node credentials from the metadata server, a compromised node holds no project-wide Editor grant, broken nodes are " +
    "replaced, security patches are applied, and only signed boot components run.",
  types: [NODE_POOL, CLUSTER],
  validate: (args, report) => {
    const p = args.props;
    if (args.type === CLUSTER && (at(p, "removeDefaultNodePool") === true || at(p, "enableAutopilot") === true)) return;
    const where = args.type === CLUSTER ? "default node pool: " : "";
    const mode = at(p, "nodeConfig.workloadMetadataConfig.mode");
    if (mode !== "GKE_METADATA") {
      report(
        `${where}nodeConfig.workloadMetadataConfig.mode is ${mode ?? "not set"}: Pods may reach the node's credentials through the metadata server. Set it to GKE_METADATA.`,
      );
    }
    // An account unknown during preview is one the stack creates: not a default account.
    const account = isSet(p, "nodeConfig.serviceAccount") ? rawAt(p, "nodeConfig.serviceAccount") : undefined;
    if (account === undefined || account === "default" || DEFAULT_COMPUTE_SA.test(String(account))) {
      report(
        `${where}nodes run as ${account === undefined ? "the Compute Engine default service account (nodeConfig.serviceAccount not set)" : account}, which usually holds Editor on the project. Set nodeConfig.serviceAccount to a dedicated account with roles/container.defaultNodeServiceAccount.`,
      );
    }
    const dws = at(p, "queuedProvisioning.enabled") === true || at(p, "nodeConfig.flexStart") === true;
    if (!flag(p, "management.autoRepair", true) && !dws)
      report(
        `${where}management.autoRepair is false: unhealthy nodes stay in service. Set it to true (only queued-provisioning and flex-start pools may turn it off).`,
      );
    if (!flag(p, "management.autoUpgrade", true))
      report(
        `${where}management.autoUpgrade is false: nodes miss security patches and drift from the control plane. Set it to true.`,
      );
    if (at(p, "nodeConfig.shieldedInstanceConfig.enableSecureBoot") !== true) {
      report(
        `${where}nodeConfig.shieldedInstanceConfig.enableSecureBoot is not true: unsigned boot components and kernel modules can load. Set it to true.`,
      );
    }
  },
});
