import * as gcp from "@pulumi/gcp";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { HELM_CHARTS, IMAGES } from "../catalog/software";
import { childOptions } from "../child-options";
import { argumentError } from "../component-error";
import { workloadIdentityMember } from "../identity/workload-identity";
import { kubernetesLabels, podSecurityLabels, type StackLabels } from "../labels";
import { NAME_LIMITS, physicalName } from "../naming";

/** The collector's namespace, name and Kubernetes service account. */
export const TRACING_NAMESPACE = "cnai-tracing";
export const COLLECTOR_NAME = "traces";
export const COLLECTOR_KSA = "otel-collector";
/** The operator names the collector's Service `<name>-collector` (opentelemetry-operator internal/naming Service). */
export const COLLECTOR_SERVICE = `${COLLECTOR_NAME}-collector`;
/** OTLP ports of the collector's otlp receiver (gRPC, HTTP). */
export const OTLP_PORTS = { grpc: 4317, http: 4318 } as const;

/** OTLP endpoints of the stack's collector, as workloads in other namespaces reach it. */
export const COLLECTOR_ENDPOINTS = {
  grpc: `http://${COLLECTOR_SERVICE}.${TRACING_NAMESPACE}.svc.cluster.local:${OTLP_PORTS.grpc}`,
  http: `http://${COLLECTOR_SERVICE}.${TRACING_NAMESPACE}.svc.cluster.local:${OTLP_PORTS.http}`,
} as const;

export interface TracingArgs {
  project: string;
  prefix: string;
  labels: StackLabels;
  /** Share of traces kept, 0 to 1, by the collector's probabilistic sampler (whole traces, by trace id). */
  samplingRatio: number;
  /** Namespaces offered Python auto-instrumentation (an Instrumentation each) and let through to the collector. */
  teamNamespaces: string[];
  /**
   * The Namespace objects, by name, that a namespace's Instrumentation and NetworkPolicy wait for:
   * each waits for its own namespace only (a dependency on all of them would grow with teams squared).
   */
  namespaceObjects?: Readonly<Record<string, pulumi.Resource>>;
  /** The cluster that creates the Workload Identity pool the collector's grant names. */
  cluster: pulumi.Resource;
  /** What the operator's chart waits for: cert-manager (its webhooks' certificates). */
  certManager: pulumi.Resource[];
  /** The collector's image. @default the contrib distribution from Docker Hub */
  collectorImage?: string;
  /** Collector replicas. @default 1 */
  replicas?: number;
}

/**
 * The sampling percentage the collector's probabilistic_sampler processor takes (contrib
 * processor/probabilisticsamplerprocessor: `sampling_percentage`, 0-100, hashed on the trace id so a
 * trace's spans are kept or dropped together).
 */
export function samplingPercentage(ratio: number): number {
  return Math.round(ratio * 100_000) / 1000;
}

/**
 * Distributed tracing to Cloud Trace: the OpenTelemetry Operator (pinned chart, webhooks certified
 * by cert-manager), one OpenTelemetryCollector (contrib image) receiving OTLP and exporting with the
 * googlecloud exporter as a Google service account holding roles/cloudtrace.agent through Workload
 * Identity, sampling whole traces at the stack's ratio, and in each team namespace an
 * Instrumentation for Python auto-instrumentation (opt in with the Pod annotation
 * `instrumentation.opentelemetry.io/inject-python: "true"`) and a NetworkPolicy letting Pods reach
 * the collector.
 */
export class Tracing extends pulumi.ComponentResource {
  public readonly collector: k8s.apiextensions.CustomResource;
  public readonly operator: k8s.helm.v4.Chart;
  public readonly serviceAccount: gcp.serviceaccount.Account;
  public readonly endpoints = COLLECTOR_ENDPOINTS;
  public readonly samplingRatio: number;

  constructor(name: string, args: TracingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cnai:observability:Tracing", name, {}, opts);
    const fail = argumentError("Tracing", name, this);
    if (!(args.samplingRatio >= 0 && args.samplingRatio <= 1))
      fail(`samplingRatio must be from 0 to 1 (got ${args.samplingRatio})`);
    const replicas = args.replicas ?? 1;
    if (!Number.isInteger(replicas) || replicas < 1)
      fail(`replicas must be a whole number, at least 1 (got ${replicas})`);
    this.samplingRatio = args.samplingRatio;
    const labels = kubernetesLabels(args.labels, "tracing");

    this.serviceAccount = new gcp.serviceaccount.Account(
      `${name}-collector`,
      {
        project: args.project,
        accountId: physicalName([args.prefix, "traces"], NAME_LIMITS.serviceAccountId),
        displayName: `OpenTelemetry collector of ${args.prefix}`,
        description: "Writes spans to Cloud Trace (roles/cloudtrace.agent); impersonated through Workload Identity.",
      },
      childOptions(this, opts),
    );
    const agent = new gcp.projects.IAMMember(
      `${name}-cloudtrace-agent`,
      { project: args.project, role: "roles/cloudtrace.agent", member: this.serviceAccount.member },
      childOptions(this, opts),
    );
    // The Workload Identity pool exists once the cluster does (GKE, "Authenticate to Google Cloud APIs from GKE workloads").
    const impersonation = new gcp.serviceaccount.IAMMember(
      `${name}-workload-identity`,
      {
        serviceAccountId: this.serviceAccount.name,
        role: "roles/iam.workloadIdentityUser",
        member: workloadIdentityMember(args.project, { namespace: TRACING_NAMESPACE, name: COLLECTOR_KSA }),
      },
      childOptions(this, opts, { dependsOn: [args.cluster] }),
    );

    const ref = HELM_CHARTS.openTelemetryOperator;
    const operatorNs = new k8s.core.v1.Namespace(
      `${name}-operator-ns`,
      { metadata: { name: ref.namespace, labels: { ...labels, ...podSecurityLabels("restricted") } } },
      childOptions(this, opts),
    );
    this.operator = new k8s.helm.v4.Chart(
      `${name}-operator`,
      {
        chart: ref.chart,
        version: ref.version,
        repositoryOpts: { repo: ref.repo },
        namespace: ref.namespace,
        name: "opentelemetry-operator",
        values: {
          manager: {
            resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
          },
          admissionWebhooks: { certManager: { enabled: true } },
        },
      },
      childOptions(this, opts, { dependsOn: [operatorNs, ...args.certManager] }),
    );

    const ns = new k8s.core.v1.Namespace(
      `${name}-ns`,
      { metadata: { name: TRACING_NAMESPACE, labels: { ...labels, ...podSecurityLabels("restricted") } } },
      childOptions(this, opts),
    );
    const ksa = new k8s.core.v1.ServiceAccount(
      `${name}-ksa`,
      {
        metadata: {
          name: COLLECTOR_KSA,
          namespace: TRACING_NAMESPACE,
          labels,
          annotations: { "iam.gke.io/gcp-service-account": this.serviceAccount.email },
        },
      },
      childOptions(this, opts, { dependsOn: [ns] }),
    );
    this.collector = new k8s.apiextensions.CustomResource(
      `${name}-collector`,
      {
        apiVersion: "opentelemetry.io/v1beta1",
        kind: "OpenTelemetryCollector",
        metadata: { name: COLLECTOR_NAME, namespace: TRACING_NAMESPACE, labels },
        spec: collectorSpec({
          project: args.project,
          image: args.collectorImage ?? IMAGES.otelCollectorContrib.image,
          replicas,
          samplingRatio: args.samplingRatio,
        }),
      },
      childOptions(this, opts, { dependsOn: [this.operator, ksa, agent, impersonation] }),
    );

    const namespaceObject = (namespace: string) =>
      args.namespaceObjects?.[namespace] ? [args.namespaceObjects[namespace]] : [];
    for (const namespace of args.teamNamespaces) {
      new k8s.apiextensions.CustomResource(
        `${name}-python-${namespace}`,
        {
          apiVersion: "opentelemetry.io/v1alpha1",
          kind: "Instrumentation",
          metadata: { name: "python", namespace, labels },
          spec: {
            // Python's auto-instrumentation exports OTLP over HTTP (the operator's default for Python).
            exporter: { endpoint: COLLECTOR_ENDPOINTS.http },
            propagators: ["tracecontext", "baggage"],
            // Everything goes to the collector, which samples whole traces at the stack's ratio.
            sampler: { type: "parentbased_always_on" },
          },
        },
        childOptions(this, opts, { dependsOn: [this.operator, ...namespaceObject(namespace)] }),
      );
      new k8s.networking.v1.NetworkPolicy(
        `${name}-egress-${namespace}`,
        {
          metadata: { name: "allow-trace-export", namespace, labels },
          spec: {
            podSelector: {},
            policyTypes: ["Egress"],
            egress: [
              {
                to: [
                  {
                    namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": TRACING_NAMESPACE } },
                    podSelector: {},
                  },
                ],
                ports: [
                  { protocol: "TCP", port: OTLP_PORTS.grpc },
                  { protocol: "TCP", port: OTLP_PORTS.http },
                ],
              },
            ],
          },
        },
        childOptions(this, opts, { dependsOn: namespaceObject(namespace) }),
      );
    }
    this.registerOutputs({ endpoints: this.endpoints, samplingRatio: this.samplingRatio });
  }
}

/**
 * The collector: OTLP in, memory limiter, whole-trace probabilistic sampling, batching, and the
 * googlecloud exporter (Cloud Trace, with the project given; credentials from Workload Identity).
 * Fields: opentelemetry.io/v1beta1 OpenTelemetryCollectorSpec (mode, replicas, image,
 * serviceAccount, config as the collector's own YAML); processors and exporter from
 * opentelemetry-collector-contrib v0.158.0 (processor/probabilisticsamplerprocessor,
 * exporter/googlecloudexporter: `project`).
 */
export function collectorSpec(args: { project: string; image: string; replicas: number; samplingRatio: number }) {
  return {
    mode: "deployment",
    replicas: args.replicas,
    image: args.image,
    serviceAccount: COLLECTOR_KSA,
    resources: { requests: { cpu: "200m", memory: "256Mi" }, limits: { cpu: "1", memory: "512Mi" } },
    podSecurityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: 10001,
    },
    config: {
      receivers: {
        otlp: {
          protocols: {
            grpc: { endpoint: `0.0.0.0:${OTLP_PORTS.grpc}` },
            http: { endpoint: `0.0.0.0:${OTLP_PORTS.http}` },
          },
        },
      },
      processors: {
        memory_limiter: { check_interval: "1s", limit_percentage: 80, spike_limit_percentage: 20 },
        probabilistic_sampler: { sampling_percentage: samplingPercentage(args.samplingRatio) },
        batch: {},
      },
      exporters: { googlecloud: { project: args.project } },
      service: {
        pipelines: {
          traces: {
            receivers: ["otlp"],
            processors: ["memory_limiter", "probabilistic_sampler", "batch"],
            exporters: ["googlecloud"],
          },
        },
      },
    },
  };
}
