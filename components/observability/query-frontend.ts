import * as gcp from "@pulumi/gcp";
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { HELM_CHARTS, IMAGES } from "../catalog/software";
import { WorkloadIdentity } from "../identity/workload-identity";
import type { ChildOptions } from "./scrape-targets";

/** Where the query frontend listens: a Prometheus query API for in-cluster readers (KEDA). */
export const QUERY_FRONTEND = { name: "gmp-frontend", port: 9090 } as const;

export function queryFrontendUrl(namespace: string): string {
  return `http://${QUERY_FRONTEND.name}.${namespace}.svc:${QUERY_FRONTEND.port}`;
}

export interface QueryFrontendArgs {
  project: string;
  prefix: string;
  namespace: string;
  labels: Record<string, string>;
  /** The cluster that creates the Workload Identity pool (the grant waits for it). */
  cluster: pulumi.Resource | "existing";
  /** What the objects wait for (the namespace). */
  after: pulumi.Resource[];
}

/**
 * Managed Prometheus's query frontend, as Google's example deploys it
 * (GoogleCloudPlatform/prometheus-engine examples/frontend.yaml): a Prometheus query API on port
 * 9090 that answers from Cloud Monitoring as a Google service account with roles/monitoring.viewer
 * (through Workload Identity), so in-cluster readers such as KEDA need no credentials of their own.
 * Runs as the restricted Pod Security level allows (non-root, no capabilities, RuntimeDefault).
 */
export function queryFrontend(name: string, args: QueryFrontendArgs, options: ChildOptions, parent: pulumi.Resource) {
  const identity = new WorkloadIdentity(
    `${name}-query`,
    {
      project: args.project,
      prefix: args.prefix,
      kind: "metrics-query",
      kubernetesServiceAccounts: [{ namespace: args.namespace, name: QUERY_FRONTEND.name }],
      cluster: args.cluster,
    },
    { parent },
  );
  new gcp.projects.IAMMember(
    `${name}-query-monitoring-viewer`,
    { project: args.project, role: "roles/monitoring.viewer", member: identity.member },
    { parent: identity },
  );
  const metadata = { name: QUERY_FRONTEND.name, namespace: args.namespace, labels: args.labels };
  const selector = { "app.kubernetes.io/name": QUERY_FRONTEND.name };
  const account = new k8s.core.v1.ServiceAccount(
    `${name}-query-sa`,
    {
      metadata: { ...metadata, annotations: { "iam.gke.io/gcp-service-account": identity.email } },
    },
    options(args.after),
  );
  const deployment = new k8s.apps.v1.Deployment(
    `${name}-query-frontend`,
    {
      metadata,
      spec: {
        replicas: 1,
        selector: { matchLabels: selector },
        template: {
          metadata: { labels: { ...args.labels, ...selector } },
          spec: {
            serviceAccountName: QUERY_FRONTEND.name,
            securityContext: {
              runAsNonRoot: true,
              runAsUser: 1000,
              runAsGroup: 1000,
              seccompProfile: { type: "RuntimeDefault" },
            },
            containers: [
              {
                name: "frontend",
                image: IMAGES.gmpFrontend.image,
                args: [`--web.listen-address=:${QUERY_FRONTEND.port}`, `--query.project-id=${args.project}`],
                ports: [{ name: "web", containerPort: QUERY_FRONTEND.port }],
                readinessProbe: { httpGet: { path: "/-/ready", port: "web" } },
                livenessProbe: { httpGet: { path: "/-/healthy", port: "web" } },
                resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  privileged: false,
                  capabilities: { drop: ["ALL"] },
                },
              },
            ],
          },
        },
      },
    },
    options([...args.after, account]),
  );
  new k8s.core.v1.Service(
    `${name}-query-service`,
    {
      metadata,
      spec: { selector, ports: [{ name: "web", port: QUERY_FRONTEND.port, targetPort: "web" }] },
    },
    options(args.after),
  );
  // The frontend answers project-wide Cloud Monitoring queries with its own identity and no
  // authentication of callers: only KEDA's namespace (whose operator runs the Prometheus scalers)
  // may reach it. Kubernetes NetworkPolicy: a Pod selected by an Ingress policy accepts only what
  // a rule allows (kubernetes.io/metadata.name is set on every namespace by the API server).
  new k8s.networking.v1.NetworkPolicy(
    `${name}-query-ingress`,
    {
      metadata: { ...metadata, name: `${QUERY_FRONTEND.name}-from-keda` },
      spec: {
        podSelector: { matchLabels: selector },
        policyTypes: ["Ingress"],
        ingress: [
          {
            from: [
              { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": HELM_CHARTS.keda.namespace } } },
            ],
            ports: [{ protocol: "TCP", port: QUERY_FRONTEND.port }],
          },
        ],
      },
    },
    options(args.after),
  );
  return { identity, deployment, url: queryFrontendUrl(args.namespace) };
}
