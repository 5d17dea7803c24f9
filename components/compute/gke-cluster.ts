import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { assertApiRules, VULNERABILITY_MODES, type VulnerabilityScanning } from "../catalog/gcp-api-rules";
import { carbonTier, type Region } from "../catalog/regions";
import { childOptions } from "../child-options";
import { argumentError } from "../component-error";
import { gkeKubeconfig } from "../kubernetes/kubeconfig";
import { computeLabels, type StackLabels } from "../labels";
import { NAME_LIMITS, physicalName } from "../naming";
import { PODS_RANGE_NAME, SERVICES_RANGE_NAME } from "../network/network";
import { throwProblems } from "../rule-problem";
import { type AuthorizedNetwork, CLUSTER_DEFAULTS, clusterProblems } from "./cluster-rules";
import { hardenedNodeConfig } from "./node-hardening";

export type { AuthorizedNetwork };

export interface SystemPoolArgs {
  /** @default "e2-standard-4" */
  machineType?: string;
  /** Total nodes across zones. @default 1 */
  min?: number;
  /** @default 3 */
  max?: number;
  /** Spot VMs for the system pool (dev only: system pods restart on preemption). @default false */
  spot?: boolean;
  /** @default 100 */
  diskSizeGb?: number;
}

export interface GkeClusterArgs {
  project: string;
  region: Region;
  prefix: string;
  labels: StackLabels;
  /**
   * `regional` replicates the control plane across the region's zones; `zonal` puts it in
   * `zones[0]` (no control plane fee for the first zonal cluster, no HA).
   * @default "regional"
   */
  locationType?: "zonal" | "regional";
  /** Zones for nodes. */
  zones: string[];
  network: {
    network: pulumi.Input<string>;
    subnetwork: pulumi.Input<string>;
    /** @default "pods" */
    podsRangeName?: string;
    /** @default "services" */
    servicesRangeName?: string;
    /** The /28 for the control plane's private endpoint. */
    masterCidr: string;
  };
  /** @default "REGULAR" */
  releaseChannel?: "RAPID" | "REGULAR" | "STABLE";
  /**
   * Serve the control plane on its private IP only; automation reaches it through the DNS-based
   * endpoint (IAM-authenticated), which the kubeconfig then uses.
   * @default false
   */
  privateEndpoint?: boolean;
  /**
   * Networks allowed to reach the control plane's IP endpoints (not the DNS endpoint, which IAM guards).
   * @default [] (a public endpoint: no restriction beyond IAM; a private endpoint: none beyond the VPC)
   */
  authorizedNetworks?: AuthorizedNetwork[];
  /** @default true */
  deletionProtection?: boolean;
  /** A Cloud KMS key for application-layer encryption of Secrets in etcd. @default none (Google-managed) */
  secretsEncryptionKey?: pulumi.Input<string>;
  /** Cluster autoscaler profile. @default "BALANCED" */
  autoscalingProfile?: "BALANCED" | "OPTIMIZE_UTILIZATION";
  /** Daily maintenance window start, UTC HH:MM. @default "03:00" */
  maintenanceWindowStart?: string;
  /** Google Managed Service for Prometheus collection. @default true */
  managedPrometheus?: boolean;
  /** Further GKE monitoring components (such as `DCGM`). @default [] */
  extraMonitoringComponents?: string[];
  /** GKE cost allocation (per-namespace and per-label costs in the billing export). @default true */
  costAllocation?: boolean;
  /** Cloud Storage FUSE CSI driver, for mounting buckets in Pods. @default true */
  gcsFuseCsiDriver?: boolean;
  systemPool?: SystemPoolArgs;
  /**
   * GKE workload vulnerability scanning: `disabled`, or `enterprise` (Advanced Vulnerability
   * Insights, GKE Enterprise projects only). GKE's standard tier was shut down on 2025-07-31 and can
   * no longer be enabled; Artifact Registry's scanning (Container Scanning API) covers the images.
   * @default "disabled"
   */
  vulnerabilityScanning?: VulnerabilityScanning;
  /**
   * GPU pools stream images (GCFS): the node service account gets roles/serviceusage.serviceUsageConsumer
   * on the project, which image streaming with a custom node service account needs.
   * @default true
   */
  imageStreaming?: boolean;
}

export const SYSTEM_MONITORING_COMPONENTS = [
  "SYSTEM_COMPONENTS",
  "APISERVER",
  "SCHEDULER",
  "CONTROLLER_MANAGER",
  "STORAGE",
  "POD",
  "DEPLOYMENT",
  "STATEFULSET",
  "DAEMONSET",
  "HPA",
] as const;

/**
 * A hardened GKE Standard cluster: default pool removed for a small system pool, private nodes,
 * Workload Identity, shielded nodes with secure boot, Dataplane V2 (network policy), Managed
 * Prometheus, GCS FUSE CSI, cost allocation, a least-privilege node service account, and labels.
 */
export class GkeCluster extends pulumi.ComponentResource {
  public readonly cluster: gcp.container.Cluster;
  public readonly systemPool: gcp.container.NodePool;
  public readonly nodeServiceAccount: gcp.serviceaccount.Account;
  public readonly name: pulumi.Output<string>;
  public readonly location: pulumi.Output<string>;
  /** The endpoint the kubeconfig uses: the DNS endpoint for private clusters, else the public IP. */
  public readonly endpoint: pulumi.Output<string>;
  public readonly workloadPool: string;
  public readonly nodeServiceAccountEmail: pulumi.Output<string>;
  /** A kubeconfig with exec auth (`gke-gcloud-auth-plugin`); secret. */
  public readonly kubeconfig: pulumi.Output<string>;
  public readonly region: Region;
  public readonly zones: readonly string[];
  /** What GPU pools that stream images wait for (the node account's Service Usage Consumer grant). */
  public readonly imageStreamingGrants: readonly pulumi.Resource[];

  constructor(name: string, args: GkeClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cnai:compute:GkeCluster", name, {}, opts);
    const spec = resolveGkeClusterArgs(name, args, this);
    this.region = args.region;
    this.zones = [...args.zones];
    this.workloadPool = `${args.project}.svc.id.goog`;
    const labels = computeLabels(args.labels, "gke-cluster", {
      workloadType: "platform",
      shiftable: false,
      carbonTier: carbonTier(args.region),
    });

    this.nodeServiceAccount = new gcp.serviceaccount.Account(
      `${name}-nodes`,
      {
        project: args.project,
        accountId: physicalName([args.prefix, "gke-nodes"], NAME_LIMITS.serviceAccountId),
        displayName: `GKE nodes of ${args.prefix}`,
        description: "Least-privilege node identity: logs, metrics, and image pulls granted per repository.",
      },
      childOptions(this, opts),
    );
    this.nodeServiceAccountEmail = this.nodeServiceAccount.email;
    const nodeRole = new gcp.projects.IAMMember(
      `${name}-nodes-default-role`,
      {
        project: args.project,
        role: "roles/container.defaultNodeServiceAccount",
        member: this.nodeServiceAccount.member,
      },
      childOptions(this, opts),
    );

    // Image streaming through the Container File System API with a custom node service account needs
    // Service Usage Consumer on the project (GKE, "Use Image streaming to pull container images").
    const streamingRole = spec.imageStreaming
      ? [
          new gcp.projects.IAMMember(
            `${name}-nodes-image-streaming`,
            {
              project: args.project,
              role: "roles/serviceusage.serviceUsageConsumer",
              member: this.nodeServiceAccount.member,
            },
            childOptions(this, opts),
          ),
        ]
      : [];
    this.imageStreamingGrants = streamingRole;

    const nodeSecurity = hardenedNodeConfig(this.nodeServiceAccount.email);

    const clusterArgs: gcp.container.ClusterArgs = {
      project: args.project,
      name: physicalName([args.prefix, "gke"], NAME_LIMITS.cluster),
      location: spec.location,
      nodeLocations: spec.nodeLocations,
      description: "cnai-platform: AI platform cluster",
      removeDefaultNodePool: true,
      initialNodeCount: 1,
      // Only the temporary default pool uses this; it is removed after creation.
      nodeConfig: { ...nodeSecurity, machineType: "e2-small", diskSizeGb: 30 },
      network: args.network.network,
      subnetwork: args.network.subnetwork,
      networkingMode: "VPC_NATIVE",
      ipAllocationPolicy: {
        clusterSecondaryRangeName: args.network.podsRangeName ?? PODS_RANGE_NAME,
        servicesSecondaryRangeName: args.network.servicesRangeName ?? SERVICES_RANGE_NAME,
      },
      privateClusterConfig: {
        enablePrivateNodes: true,
        enablePrivateEndpoint: spec.privateEndpoint,
        masterIpv4CidrBlock: args.network.masterCidr,
        masterGlobalAccessConfig: { enabled: true },
      },
      controlPlaneEndpointsConfig: { dnsEndpointConfig: { allowExternalTraffic: spec.privateEndpoint } },
      // Authorized networks restrict the IP-based endpoints only; the DNS-based endpoint is guarded by IAM
      // (GKE, "About network isolation": DNS-based access is authorized with IAM, not by source
      // range). A private endpoint with no networks given turns the feature on with no range
      // (MasterAuthorizedNetworksConfig: "disallow all external traffic ... except the given CIDR blocks"),
      // so no placeholder range opens it wider than the VPC.
      masterAuthorizedNetworksConfig: spec.authorizedNetworks.length
        ? {
            cidrBlocks: spec.authorizedNetworks.map((n) => ({ cidrBlock: n.cidr, displayName: n.name })),
            gcpPublicCidrsAccessEnabled: false,
          }
        : spec.privateEndpoint
          ? { gcpPublicCidrsAccessEnabled: false }
          : undefined,
      masterAuth: { clientCertificateConfig: { issueClientCertificate: false } },
      enableLegacyAbac: false,
      enableShieldedNodes: true,
      releaseChannel: { channel: spec.releaseChannel },
      workloadIdentityConfig: { workloadPool: this.workloadPool },
      datapathProvider: "ADVANCED_DATAPATH",
      securityPostureConfig: { mode: "BASIC", vulnerabilityMode: VULNERABILITY_MODES[spec.vulnerabilityScanning] },
      databaseEncryption: args.secretsEncryptionKey
        ? { state: "ENCRYPTED", keyName: args.secretsEncryptionKey }
        : { state: "DECRYPTED" },
      addonsConfig: {
        gcsFuseCsiDriverConfig: { enabled: args.gcsFuseCsiDriver ?? true },
        gcePersistentDiskCsiDriverConfig: { enabled: true },
        httpLoadBalancing: { disabled: false },
        horizontalPodAutoscaling: { disabled: false },
        dnsCacheConfig: { enabled: true },
      },
      monitoringConfig: {
        enableComponents: [...SYSTEM_MONITORING_COMPONENTS, ...(args.extraMonitoringComponents ?? [])],
        managedPrometheus: { enabled: args.managedPrometheus ?? true },
      },
      loggingConfig: { enableComponents: ["SYSTEM_COMPONENTS", "WORKLOADS"] },
      costManagementConfig: { enabled: args.costAllocation ?? true },
      verticalPodAutoscaling: { enabled: true },
      gatewayApiConfig: { channel: "CHANNEL_STANDARD" },
      clusterAutoscaling: { autoscalingProfile: spec.autoscalingProfile },
      maintenancePolicy: { dailyMaintenanceWindow: { startTime: spec.maintenanceWindowStart } },
      deletionProtection: spec.deletionProtection,
      resourceLabels: labels,
    };
    assertApiRules(
      "gcp:container/cluster:Cluster",
      clusterArgs as unknown as Record<string, unknown>,
      argumentError("GkeCluster", name, this),
    );
    this.cluster = new gcp.container.Cluster(
      name,
      clusterArgs,
      childOptions(this, opts, { dependsOn: [nodeRole], ignoreChanges: ["nodeConfig", "initialNodeCount"] }),
    );

    const system = spec.systemPool;
    this.systemPool = new gcp.container.NodePool(
      `${name}-system`,
      {
        project: args.project,
        cluster: this.cluster.name,
        location: this.cluster.location,
        name: "system",
        initialNodeCount: Math.max(1, Math.ceil(system.min / spec.zoneCount)),
        autoscaling: { totalMinNodeCount: system.min, totalMaxNodeCount: system.max, locationPolicy: "BALANCED" },
        management: { autoRepair: true, autoUpgrade: true },
        upgradeSettings: { strategy: "SURGE", maxSurge: 1, maxUnavailable: 0 },
        nodeConfig: {
          ...nodeSecurity,
          machineType: system.machineType,
          diskSizeGb: system.diskSizeGb,
          diskType: "pd-balanced",
          imageType: "COS_CONTAINERD",
          spot: system.spot,
          labels: { "cnai.dev/pool": "system" },
          resourceLabels: labels,
        },
      },
      childOptions(this, opts, { ignoreChanges: ["initialNodeCount"] }),
    );

    this.name = this.cluster.name;
    this.location = this.cluster.location;
    this.endpoint = spec.privateEndpoint
      ? this.cluster.controlPlaneEndpointsConfig.apply((c) => c?.dnsEndpointConfig?.endpoint ?? "")
      : this.cluster.endpoint;
    const context = pulumi.interpolate`${args.project}_${this.cluster.location}_${this.cluster.name}`;
    this.kubeconfig = pulumi.secret(
      pulumi.all([context, this.endpoint, this.cluster.masterAuth]).apply(([ctx, endpoint, auth]) =>
        gkeKubeconfig({
          context: ctx,
          server: `https://${endpoint}`,
          caCertificate: spec.privateEndpoint ? undefined : auth.clusterCaCertificate,
        }),
      ),
    );
    this.registerOutputs({
      name: this.name,
      location: this.location,
      endpoint: this.endpoint,
      workloadPool: this.workloadPool,
      nodeServiceAccountEmail: this.nodeServiceAccountEmail,
      kubeconfig: this.kubeconfig,
    });
  }
}

/** The cluster's settings with defaults applied, after checking them. */
export interface ResolvedGkeCluster {
  location: string;
  nodeLocations: string[] | undefined;
  zoneCount: number;
  releaseChannel: "RAPID" | "REGULAR" | "STABLE";
  privateEndpoint: boolean;
  authorizedNetworks: AuthorizedNetwork[];
  deletionProtection: boolean;
  autoscalingProfile: "BALANCED" | "OPTIMIZE_UTILIZATION";
  maintenanceWindowStart: string;
  systemPool: Required<SystemPoolArgs>;
  vulnerabilityScanning: VulnerabilityScanning;
  imageStreaming: boolean;
}

/** Applies defaults and checks the args (components/compute/cluster-rules.ts); throws a ResourceError. Pure. */
export function resolveGkeClusterArgs(
  name: string,
  args: GkeClusterArgs,
  resource?: pulumi.Resource,
): ResolvedGkeCluster {
  const defaults = CLUSTER_DEFAULTS;
  const given = args.systemPool ?? {};
  const systemPool: Required<SystemPoolArgs> = {
    machineType: given.machineType ?? defaults.systemPool.machineType,
    min: given.min ?? defaults.systemPool.min,
    max: given.max ?? defaults.systemPool.max,
    spot: given.spot ?? defaults.systemPool.spot,
    diskSizeGb: given.diskSizeGb ?? defaults.systemPool.diskSizeGb,
  };
  const privateEndpoint = args.privateEndpoint ?? defaults.privateEndpoint;
  const authorizedNetworks = args.authorizedNetworks ?? [];
  const maintenanceWindowStart = args.maintenanceWindowStart ?? defaults.maintenanceWindowStart;
  throwProblems(
    "GkeCluster",
    name,
    clusterProblems({ region: args.region, zones: args.zones, systemPool, authorizedNetworks, maintenanceWindowStart }),
    resource,
  );
  const locationType = args.locationType ?? defaults.locationType;
  const location = locationType === "regional" ? args.region : args.zones[0];
  const nodeZones = locationType === "regional" ? args.zones : args.zones.filter((zone) => zone !== location);
  return {
    location,
    nodeLocations: nodeZones.length ? nodeZones : undefined,
    zoneCount: args.zones.length,
    releaseChannel: args.releaseChannel ?? defaults.releaseChannel,
    privateEndpoint,
    authorizedNetworks,
    deletionProtection: args.deletionProtection ?? defaults.deletionProtection,
    autoscalingProfile: args.autoscalingProfile ?? defaults.autoscalingProfile,
    maintenanceWindowStart,
    systemPool,
    vulnerabilityScanning: args.vulnerabilityScanning ?? defaults.vulnerabilityScanning,
    imageStreaming: args.imageStreaming ?? defaults.imageStreaming,
  };
}
