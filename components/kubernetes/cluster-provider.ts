import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

export interface KubernetesProviderArgs {
  /** A kubeconfig for the cluster (see `gkeKubeconfig`); ignored when rendering YAML. */
  kubeconfig: pulumi.Input<string>;
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
    { kubeconfig: pulumi.secret(args.kubeconfig), enableServerSideApply: true, deleteUnreachable: false },
    opts,
  );
}
