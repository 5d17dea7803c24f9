// A model server from cnai-platform on a GKE cluster that this program does not manage: a KServe
// InferenceService through the ModelDeployment component, applied with a Kubernetes provider made
// from the cluster's kubeconfig. The pool's per-node GPUs, CPU and memory come from the blueprint's
// catalogs (components/catalog/gke-nodes.ts), so the replicas ask for what one node can give.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { AcceleratorType } from "../../components/catalog/gpus";
import { carbonTier, isRegion, REGIONS } from "../../components/catalog/regions";
import { allocatablePerNode, gpuResourcesPerNode } from "../../components/compute/gpu-pool-rules";
import { KSERVE_MODES, type KServeMode } from "../../components/serving/kserve";
import { ModelDeployment, type ModelDeploymentArgs } from "../../components/serving/model-deployment";

const config = new pulumi.Config();
const region = new pulumi.Config("gcp").require("region");
if (!isRegion(region)) {
  throw new pulumi.RunError(`gcp:region: got ${region}; allowed: a Google Cloud region: ${REGIONS.join(", ")}`);
}

/** The cluster's KServe deployment mode. */
const mode = config.require("mode") as KServeMode;
if (!KSERVE_MODES.includes(mode)) {
  throw new pulumi.RunError(`model-example:mode: got ${mode}; allowed: ${KSERVE_MODES.join(" or ")}`);
}

/** The GPU pool the model runs on: its GKE node pool name and its nodes' shape. */
const pool = config.requireObject<{ nodePool: string; machineType: string; accelerator: { type: AcceleratorType } }>(
  "pool",
);
const perNode = allocatablePerNode(pool);
/** The model: where it is stored, GPUs per replica, replicas and scaling. */
const model = config.requireObject<
  { name: string } & Pick<
    ModelDeploymentArgs,
    "storageUri" | "gpus" | "minReplicas" | "maxReplicas" | "scaleMetric" | "scaleTarget" | "args"
  >
>("model");

// The cluster's kubeconfig from config (a secret), or the ambient one (KUBECONFIG, ~/.kube/config) when unset.
const provider = new k8s.Provider("cluster", {
  kubeconfig: config.getSecret("kubeconfig"),
  context: config.get("context"),
});

const { name, ...settings } = model;
const deployment = new ModelDeployment(
  name,
  {
    labels: { env: pulumi.getStack(), team: config.require("team"), costCenter: config.require("costCenter") },
    team: config.require("team"),
    namespace: config.require("namespace"),
    mode,
    pool: {
      nodePool: pool.nodePool,
      accelerator: pool.accelerator.type,
      gpusPerNode: gpuResourcesPerNode(pool),
      cpu: perNode.cpu,
      memoryGi: perNode.memoryGi,
    },
    // The Prometheus query API KEDA reads vLLM's queue from (scaleMetric waiting-requests).
    metricsQueryUrl: config.get("metricsQueryUrl"),
    carbonTier: carbonTier(region),
    ...settings,
  },
  { provider },
);

/** The predictor's in-cluster URL. */
export const url = deployment.url;
