/**
 * A kubeconfig for a GKE cluster that authenticates with `gke-gcloud-auth-plugin` (the exec
 * plugin Google ships with the gcloud CLI), so no credential is stored in state.
 */
export interface GkeKubeconfigArgs {
  /** A unique context name, such as `<project>_<location>_<cluster>`. */
  readonly context: string;
  /** The API server URL, `https://<endpoint>`. */
  readonly server: string;
  /** Base64 cluster CA; omit for the DNS-based endpoint, which serves a publicly trusted certificate. */
  readonly caCertificate?: string;
}

export function gkeKubeconfig(args: GkeKubeconfigArgs): string {
  const cluster: Record<string, unknown> = { server: args.server };
  if (args.caCertificate) cluster["certificate-authority-data"] = args.caCertificate;
  return JSON.stringify(
    {
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name: args.context, cluster }],
      contexts: [{ name: args.context, context: { cluster: args.context, user: args.context } }],
      "current-context": args.context,
      preferences: {},
      users: [
        {
          name: args.context,
          user: {
            exec: {
              apiVersion: "client.authentication.k8s.io/v1beta1",
              command: "gke-gcloud-auth-plugin",
              installHint: "Install gke-gcloud-auth-plugin: gcloud components install gke-gcloud-auth-plugin",
              provideClusterInfo: true,
              interactiveMode: "Never",
            },
          },
        },
      ],
    },
    null,
    2,
  );
}
