import type * as pulumi from "@pulumi/pulumi";

/**
 * The node settings every node pool of the platform shares (the system pool, the cluster's temporary
 * default pool and each GPU pool): the given least-privilege service account with the cloud-platform
 * scope (its IAM roles are what limit it, as GKE's hardening guide advises), the GKE metadata server
 * for Workload Identity, shielded VMs with secure boot and integrity monitoring, and the legacy
 * metadata endpoints off (GKE, "Harden your cluster's security").
 */
export function hardenedNodeConfig(serviceAccount: pulumi.Input<string>) {
  return {
    serviceAccount,
    oauthScopes: ["https://www.googleapis.com/auth/cloud-platform"],
    workloadMetadataConfig: { mode: "GKE_METADATA" },
    shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
    metadata: { "disable-legacy-endpoints": "true" },
  };
}
