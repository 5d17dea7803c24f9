import * as pulumi from "@pulumi/pulumi";
import { carbonTier } from "../components/catalog/regions";
import { GkeCluster } from "../components/compute/gke-cluster";
import { GpuNodePool } from "../components/compute/gpu-node-pool";
import { kubernetesProvider } from "../components/kubernetes/cluster-provider";
import type { StackLabels } from "../components/labels";
import { Network } from "../components/network/network";
import { ProjectServices } from "../components/project/project-services";
import { projectNumber, serviceAgentMember } from "../components/project/service-agents";
import { KmsKey } from "../components/security/kms-key";
import type { PlatformConfig } from "./config/load";

/** The APIs the foundation uses. */
export const FOUNDATION_APIS = [
  "compute.googleapis.com",
  "container.googleapis.com",
  "iam.googleapis.com",
  "cloudkms.googleapis.com",
  "logging.googleapis.com",
  "monitoring.googleapis.com",
] as const;

/**
 * Builds the whole platform for one validated stack configuration and returns the stack outputs.
 * Creates resources only; no other side effects, so it can run many times in one process.
 */
export function buildPlatform(config: PlatformConfig) {
  const { settings, project, region, stack } = config;
  const labels: StackLabels = { env: stack, team: settings.team, costCenter: settings.costCenter, extra: settings.labels };
  const prefix = settings.prefix;

  const apis = new ProjectServices("apis", { project, services: [...FOUNDATION_APIS] });
  const afterApis = { dependsOn: [apis] };

  const network = new Network(
    "network",
    { project, region, prefix, ...settings.network },
    afterApis,
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
          protect: config.profile === "prod",
        },
        afterApis,
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
      network: { network: network.networkId, subnetwork: network.subnetworkId, masterCidr: settings.network.masterCidr },
      releaseChannel: clusterSettings.releaseChannel,
      privateEndpoint: clusterSettings.privateEndpoint,
      authorizedNetworks: clusterSettings.masterAuthorizedNetworks,
      deletionProtection: clusterSettings.deletionProtection,
      secretsEncryptionKey: secretsKey?.keyId,
      autoscalingProfile: clusterSettings.autoscalingProfile,
      maintenanceWindowStart: clusterSettings.maintenanceWindowStart,
      systemPool: clusterSettings.systemPool,
    },
    { dependsOn: secretsKey ? [apis, secretsKey] : [apis], protect: config.profile === "prod" },
  );

  const gpuPools = settings.gpuPools.map(
    (pool) =>
      new GpuNodePool(
        pool.name,
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
        },
        { dependsOn: [cluster] },
      ),
  );

  const k8sProvider = kubernetesProvider("k8s", {
    kubeconfig: cluster.kubeconfig,
    target: settings.kubernetes.target,
    yamlDirectory: settings.kubernetes.yamlDirectory,
  }, { dependsOn: [cluster] });

  return {
    project,
    region,
    carbonTier: carbonTier(region),
    clusterName: cluster.name,
    clusterLocation: cluster.location,
    clusterEndpoint: cluster.endpoint,
    kubeconfig: cluster.kubeconfig,
    kubernetesProvider: k8sProvider.urn,
    network: network.networkId,
    nodeServiceAccount: cluster.nodeServiceAccountEmail,
    gpuPools: gpuPools.map((pool) => ({
      name: pool.poolName,
      accelerator: pool.accelerator,
      gpusPerNode: pool.spec.gpusPerNode,
      minNodes: pool.spec.min,
      maxNodes: pool.spec.max,
      capacity: pool.spec.capacity.type,
      zones: pool.spec.zones,
    })),
  } satisfies Record<string, pulumi.Input<unknown>>;
}

export type PlatformOutputs = ReturnType<typeof buildPlatform>;
