import type { PolicyPackDefinition } from "../lib/policy";
import { applyOrder } from "./policies/apply-order";
import { approvedRegistries } from "./policies/approved-registries";
import { artifactRegistryHygiene } from "./policies/artifact-registry-hygiene";
import { bucketSecurity } from "./policies/bucket-security";
import { bucketVersioning } from "./policies/bucket-versioning";
import { clusterBackup } from "./policies/cluster-backup";
import { containerResources } from "./policies/container-resources";
import { dataClassification } from "./policies/data-classification";
import { databaseResilience } from "./policies/database-resilience";
import { deletionProtection } from "./policies/deletion-protection";
import { disruptionBudgets } from "./policies/disruption-budgets";
import { externalGatewayCloudArmor } from "./policies/external-gateway-cloud-armor";
import { gatewayHttpsOnly } from "./policies/gateway-https-only";
import { gcpApiRules } from "./policies/gcp-api-rules";
import { gkeClusterHardening } from "./policies/gke-cluster-hardening";
import { iamLeastPrivilege } from "./policies/iam-least-privilege";
import { inferenceBoundedReplicas } from "./policies/inference-bounded-replicas";
import { inferencePoolSelectsModel } from "./policies/inference-pool-selects-model";
import { modelsReplicated } from "./policies/models-replicated";
import { namespacePodSecurity } from "./policies/namespace-pod-security";
import { noPlaintextSecrets } from "./policies/no-plaintext-secrets";
import { nodePoolHardening } from "./policies/node-pool-hardening";
import { privilegedContainers } from "./policies/privileged-containers";
import { rayClusterBounds } from "./policies/ray-cluster-bounds";
import { rayDashboardInternal } from "./policies/ray-dashboard-internal";
import { requiredLabels } from "./policies/required-labels";
import { routeBackendsIap } from "./policies/route-backends-iap";
import { statefulProtected } from "./policies/stateful-protected";
import { traceSamplingBounded } from "./policies/trace-sampling-bounded";
import { trainingQueueLabel } from "./policies/training-queue-label";
import { transferClassification } from "./policies/transfer-classification";
import { workloadsRunnable } from "./policies/workloads-runnable";

/** The governance pack: labels, data protection, hardening, IAM, images and workloads. */
export const GOVERNANCE: PolicyPackDefinition = {
  name: "cnai-governance",
  description:
    "cnai-platform governance: labels, data protection, cluster and node hardening, IAM, images, workloads, apply order and Google API rules.",
  enforcementLevel: "mandatory",
  policies: [
    // Labels and data protection
    requiredLabels,
    dataClassification,
    transferClassification,
    bucketSecurity,
    bucketVersioning,
    deletionProtection,
    statefulProtected,
    databaseResilience,
    modelsReplicated,
    clusterBackup,
    // Cluster and node hardening
    gkeClusterHardening,
    nodePoolHardening,
    namespacePodSecurity,
    // IAM, registries and secrets
    iamLeastPrivilege,
    artifactRegistryHygiene,
    approvedRegistries,
    noPlaintextSecrets,
    // Workloads
    privilegedContainers,
    containerResources,
    inferenceBoundedReplicas,
    trainingQueueLabel,
    rayClusterBounds,
    rayDashboardInternal,
    workloadsRunnable,
    disruptionBudgets,
    // The model gateway and tracing
    gatewayHttpsOnly,
    routeBackendsIap,
    externalGatewayCloudArmor,
    inferencePoolSelectsModel,
    traceSamplingBounded,
    // What a first `pulumi up` needs: apply order and Google's own API rules
    applyOrder,
    gcpApiRules,
  ],
};
