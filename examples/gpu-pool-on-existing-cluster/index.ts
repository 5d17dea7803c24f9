// A GPU node pool from cnai-platform on a GKE cluster that this program does not manage: the
// cluster's name, location and node zones come from config, the pool's shape too. The component
// checks the pool against the GPU catalog and Google's API rules before anything is created.
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { isRegion, REGIONS } from "../../components/catalog/regions";
import { GpuNodePool, type GpuNodePoolArgs } from "../../components/compute/gpu-node-pool";

const config = new pulumi.Config();
const gcpConfig = new pulumi.Config("gcp");

const project = gcpConfig.require("project");
const region = gcpConfig.require("region");
if (!isRegion(region)) {
  throw new pulumi.RunError(`gcp:region: got ${region}; allowed: a Google Cloud region: ${REGIONS.join(", ")}`);
}

/** The existing cluster: `gcloud container clusters describe <name> --location <location>`. */
const cluster = config.requireObject<{ name: string; location: string; zones: string[] }>("cluster");
/** The pool: a machine type that carries the accelerator, autoscaling limits, where capacity comes from. */
const pool = config.requireObject<
  { name: string } & Pick<
    GpuNodePoolArgs,
    "machineType" | "accelerator" | "autoscaling" | "capacity" | "zones" | "workloadType" | "diskSizeGb"
  >
>("pool");

// The cluster's node service account: the pool's nodes run as it.
const nodeServiceAccount = config.require("nodeServiceAccount");

// Image streaming (the pool's default) with a custom node service account needs Service Usage
// Consumer on the project (GKE, "Use Image streaming to pull container images":
// cloud.google.com/kubernetes-engine/docs/how-to/image-streaming). GkeCluster grants it to the
// clusters it creates; for a cluster made elsewhere this program grants it, before the pool.
const streamingGrant = new gcp.projects.IAMMember("nodes-image-streaming", {
  project,
  role: "roles/serviceusage.serviceUsageConsumer",
  member: `serviceAccount:${nodeServiceAccount}`,
});

const { name, ...shape } = pool;
const gpuPool = new GpuNodePool(
  name,
  {
    project,
    prefix: config.require("prefix"),
    labels: { env: pulumi.getStack(), team: config.require("team"), costCenter: config.require("costCenter") },
    cluster: { name: cluster.name, location: cluster.location, region, zones: cluster.zones },
    serviceAccount: nodeServiceAccount,
    ...shape,
  },
  { dependsOn: [streamingGrant] },
);

/** What workloads select: `cloud.google.com/gke-nodepool: <poolName>`, and the accelerator. */
export const poolName = gpuPool.poolName;
export const accelerator = gpuPool.accelerator;
export const zones = gpuPool.spec.zones;
