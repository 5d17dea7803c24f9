import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

export interface KubernetesProviderArgs {
  /** A kubeconfig for the cluster (see `gkeKubeconfig`); ignored when rendering YAML. */
  kubeconfig: pulumi.Input<string>;
  /**
   * What identifies the cluster, such as the GKE cluster's resource id
   * (`projects/P/locations/L/clusters/N`). The provider, and every Kubernetes object with it, is
   * replaced only when this changes: a new endpoint or CA in the kubeconfig (switching to the DNS
   * endpoint, a private endpoint) is then an update, not a deletion and re-creation of every object.
   *
   * pulumi-kubernetes (provider/pkg/provider/provider.go, DiffConfig): without `clusterIdentifier`
   * the provider is replaced whenever the kubeconfig's active cluster (server, CA) changes, and
   * whenever the kubeconfig is unknown in a preview; with it, only when the identifier is updated
   * ("We don't do this when adding or removing the identifier": adding it is itself no replacement).
   * A cluster that is itself replaced still replaces the provider: the engine diffs the dependents of
   * a delete-before-replace with the replaced resource's outputs unknown (pulumi/pulumi
   * pkg/resource/deploy/step_generator.go, calculateDependentReplacements), so the identifier is
   * unknown, which DiffConfig counts as updated.
   */
  clusterIdentifier: pulumi.Input<string>;
  /**
   * `cluster`: apply objects to the cluster; `yaml`: write them as YAML to `yamlDirectory`
   * instead (for GitOps: commit the directory and let Config Sync or Argo CD apply it).
   * @default "cluster"
   */
  target?: "cluster" | "yaml";
  /** Where rendered YAML goes. @default "out/k8s-yaml" */
  yamlDirectory?: string;
}

/** The one Kubernetes provider of a platform. */
export function kubernetesProvider(
  name: string,
  args: KubernetesProviderArgs,
  opts?: pulumi.CustomResourceOptions,
): k8s.Provider {
  if ((args.target ?? "cluster") === "yaml") {
    return new k8s.Provider(name, { renderYamlToDirectory: args.yamlDirectory ?? "out/k8s-yaml" }, opts);
  }
  return new k8s.Provider(
    name,
    {
      kubeconfig: pulumi.secret(args.kubeconfig),
      clusterIdentifier: args.clusterIdentifier,
      enableServerSideApply: true,
      deleteUnreachable: false,
    },
    opts,
  );
}
