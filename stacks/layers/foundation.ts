import type * as pulumi from "@pulumi/pulumi";
import { GkeCluster } from "../../components/compute/gke-cluster";
import { GpuNodePool } from "../../components/compute/gpu-node-pool";
import { kubernetesProvider } from "../../components/kubernetes/cluster-provider";
import { ControlPlaneFirewall } from "../../components/network/control-plane-firewall";
import { Network } from "../../components/network/network";
import { projectNumber, serviceAgentMember } from "../../components/project/service-agents";
import { KmsKey } from "../../components/security/kms-key";
import { generationName } from "../config/pool-generations";
import type { LayerContext } from "./context";

/** The APIs the foundation uses. */
export const FOUNDATION_APIS = [
  // Enables the others (ProjectServices enables it first); also a prerequisite in the deployer's quota project (docs/operations.md, "Prerequisites of a new project").
  "serviceusage.googleapis.com",
  "compute.googleapis.com",
  "container.googleapis.com",
  "iam.googleapis.com",
  "cloudkms.googleapis.com",
  "logging.googleapis.com",
  "monitoring.googleapis.com",
  "servicenetworking.googleapis.com",
  // Project IAM members and audit configs call Cloud Resource Manager (terraform-provider-google v7.45.0 iam_project.go).
  "cloudresourcemanager.googleapis.com",
  // GPU pools stream images (gcfsConfig) through the Container File System API (GKE, "Use Image streaming").
  "containerfilesystem.googleapis.com",
] as const;

/** The network, the cluster with its GPU pools, and the Kubernetes provider. */
export function buildFoundation(ctx: LayerContext, afterApis: pulumi.Resource[]) {
  const { settings, project, region, prefix, labels } = ctx;
  const network = new Network(
    "network",
    { project, region, prefix, labels, ...settings.network },
    { dependsOn: afterApis },
  );

  const secretsKey = settings.encryption.customerManagedKeys
    ? new KmsKey(
        "gke-secrets",
        {
          project,
          location: region,
          prefix,
          labels,
          purpose: "gke-secrets",
          rotationDays: settings.encryption.keyRotationDays,
          encrypterDecrypters: [serviceAgentMember(projectNumber(project), "gke")],
          protect: ctx.protect,
        },
        { dependsOn: afterApis },
      )
    : undefined;

  const clusterSettings = settings.cluster;
  const cluster = new GkeCluster(
    "gke",
    {
      project,
      region,
      prefix,
      labels,
      locationType: clusterSettings.location,
      zones: settings.zones,
      network: {
        network: network.networkId,
        subnetwork: network.subnetworkId,
        masterCidr: settings.network.masterCidr,
      },
      releaseChannel: clusterSettings.releaseChannel,
      privateEndpoint: clusterSettings.privateEndpoint,
      authorizedNetworks: clusterSettings.masterAuthorizedNetworks,
      deletionProtection: clusterSettings.deletionProtection,
      secretsEncryptionKey: secretsKey?.keyId,
      autoscalingProfile: clusterSettings.autoscalingProfile,
      maintenanceWindowStart: clusterSettings.maintenanceWindowStart,
      maintenance: settings.resilience.maintenance,
      backupAgent: settings.resilience.backup.enabled,
      systemPool: clusterSettings.systemPool,
      vulnerabilityScanning: clusterSettings.vulnerabilityScanning,
      imageStreaming: settings.gpuPools.some((pool) => pool.imageStreaming),
      // GPU metrics from GKE's managed DCGM with Managed Prometheus; a self-hosted stack runs dcgm-exporter instead.
      extraMonitoringComponents: settings.observability.backend === "managed" ? ["DCGM"] : [],
    },
    { dependsOn: secretsKey ? [...afterApis, secretsKey] : afterApis, protect: ctx.protect },
  );

  const gpuPools = settings.gpuPools.map(
    (pool) =>
      new GpuNodePool(
        // Generation 2 on is a new node pool beside the old one (stacks/config/pool-generations.ts).
        generationName(pool),
        {
          project,
          prefix,
          labels,
          cluster: { name: cluster.name, location: cluster.location, region, zones: settings.zones },
          serviceAccount: cluster.nodeServiceAccountEmail,
          machineType: pool.machineType,
          accelerator: pool.accelerator,
          autoscaling: pool.autoscaling,
          capacity: pool.capacity,
          zones: pool.zones,
          compactPlacement: pool.compactPlacement,
          workloadType: pool.workloadType,
          shiftable: pool.shiftable,
          diskSizeGb: pool.diskSizeGb,
          imageStreaming: pool.imageStreaming,
          upgrade: pool.upgrade,
        },
        { dependsOn: [cluster] },
      ),
  );

  // The control plane reaches the cluster software's webhooks and aggregated APIs (private nodes:
  // GKE opens 443 and 10250 only); every Kubernetes object comes after it, through the provider.
  const controlPlaneFirewall = new ControlPlaneFirewall(
    "gke-control-plane",
    {
      project,
      prefix,
      network: network.networkId,
      masterCidr: settings.network.masterCidr,
      nodeServiceAccount: cluster.nodeServiceAccountEmail,
    },
    { dependsOn: afterApis },
  );

  const provider = kubernetesProvider(
    "k8s",
    {
      kubeconfig: cluster.kubeconfig,
      // The cluster's resource id: a new endpoint in the kubeconfig updates the provider instead of replacing every object.
      clusterIdentifier: cluster.cluster.id,
      target: settings.kubernetes.target,
      yamlDirectory: settings.kubernetes.yamlDirectory,
    },
    { dependsOn: [cluster, controlPlaneFirewall] },
  );

  return { network, cluster, gpuPools, provider, controlPlaneFirewall };
}

export type Foundation = ReturnType<typeof buildFoundation>;
