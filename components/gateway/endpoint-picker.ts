import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ENDPOINT_PICKER } from "../catalog/gateway";
import { childOptions } from "../child-options";

export interface EndpointPickerArgs {
  /** The InferencePool it picks endpoints for (same name and namespace). */
  pool: string;
  namespace: string;
  labels: Record<string, string>;
  /** OTLP/gRPC endpoint and sampling ratio for the picker's spans; none: tracing off. */
  tracing?: { endpoint: string; samplingRatio: number };
}

/** The picker's name: `<pool>-epp`, as the upstream chart names it (epplib _helpers.tpl). */
export function endpointPickerName(pool: string): string {
  return `${pool}-epp`;
}

/**
 * The endpoint picker of one InferencePool: the objects the inference extension's v1.5.0
 * `inferencepool` chart renders for it (epplib templates _config.yaml, _deployment.yaml,
 * _service.yaml, _rbac.yaml; inferencepool templates/rbac.yaml), declared here. It scores the pool's
 * Pods by queue depth, KV-cache use and prefix-cache hits read from their `/metrics`, and tells the
 * load balancer (ext_proc on 9002) which Pod takes each request.
 *
 * Differences from the chart's defaults: 1 CPU and 2 GiB requested instead of 4 CPU and 8 GiB (the
 * chart sizes for its high-QPS scale tests, and 4 CPUs fit no node of a 4-vCPU system pool); a
 * restricted security context (the image is distroless and runs as non-root); the image pulled
 * IfNotPresent at a pinned tag.
 */
export class EndpointPicker extends pulumi.ComponentResource {
  public readonly name: string;
  public readonly deployment: k8s.apps.v1.Deployment;

  constructor(name: string, args: EndpointPickerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cnai:gateway:EndpointPicker", name, {}, opts);
    const epp = endpointPickerName(args.pool);
    this.name = epp;
    const meta = { name: epp, namespace: args.namespace, labels: { ...args.labels, "app.kubernetes.io/name": epp } };
    const selector = { [ENDPOINT_PICKER.selectorLabel]: epp };
    const child = childOptions(this, opts);

    const account = new k8s.core.v1.ServiceAccount(`${name}-sa`, { metadata: meta }, child);
    const role = new k8s.rbac.v1.Role(
      `${name}-role`,
      {
        metadata: meta,
        rules: [
          { apiGroups: [""], resources: ["pods"], verbs: ["get", "watch", "list"] },
          {
            apiGroups: ["inference.networking.k8s.io"],
            resources: ["inferencepools"],
            verbs: ["get", "watch", "list"],
          },
          {
            apiGroups: ["inference.networking.x-k8s.io"],
            resources: ["inferenceobjectives", "inferencemodelrewrites"],
            verbs: ["get", "watch", "list"],
          },
        ],
      },
      child,
    );
    const binding = new k8s.rbac.v1.RoleBinding(
      `${name}-binding`,
      {
        metadata: meta,
        subjects: [{ kind: "ServiceAccount", name: epp, namespace: args.namespace }],
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: epp },
      },
      childOptions(this, opts, { dependsOn: [role, account] }),
    );
    const config = new k8s.core.v1.ConfigMap(
      `${name}-config`,
      { metadata: meta, data: { "default-plugins.yaml": ENDPOINT_PICKER.plugins } },
      child,
    );
    const tracingEnv = args.tracing
      ? [
          { name: "OTEL_SERVICE_NAME", value: "gateway-api-inference-extension/epp" },
          { name: "OTEL_EXPORTER_OTLP_ENDPOINT", value: args.tracing.endpoint },
          { name: "OTEL_TRACES_EXPORTER", value: "otlp" },
          { name: "OTEL_TRACES_SAMPLER", value: "parentbased_traceidratio" },
          { name: "OTEL_TRACES_SAMPLER_ARG", value: String(args.tracing.samplingRatio) },
        ]
      : [];
    this.deployment = new k8s.apps.v1.Deployment(
      `${name}-deployment`,
      {
        metadata: meta,
        spec: {
          replicas: 1,
          // One active picker keeps the prefix-cache scorer's state (the chart's Recreate strategy).
          strategy: { type: "Recreate" },
          selector: { matchLabels: selector },
          template: {
            metadata: { labels: { ...args.labels, ...selector } },
            spec: {
              serviceAccountName: epp,
              terminationGracePeriodSeconds: 130,
              securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
              containers: [
                {
                  name: "epp",
                  image: ENDPOINT_PICKER.image,
                  imagePullPolicy: "IfNotPresent",
                  args: [
                    "--pool-name",
                    args.pool,
                    "--pool-namespace",
                    args.namespace,
                    "--pool-group",
                    "inference.networking.k8s.io",
                    "--zap-encoder",
                    "json",
                    "--config-file",
                    "/config/default-plugins.yaml",
                    "--v",
                    "1",
                    `--tracing=${args.tracing ? "true" : "false"}`,
                  ],
                  ports: [
                    { name: "grpc", containerPort: ENDPOINT_PICKER.extProcPort },
                    { name: "grpc-health", containerPort: ENDPOINT_PICKER.healthPort },
                    { name: "metrics", containerPort: ENDPOINT_PICKER.metricsPort },
                  ],
                  livenessProbe: {
                    grpc: { port: ENDPOINT_PICKER.healthPort, service: "inference-extension" },
                    initialDelaySeconds: 5,
                    periodSeconds: 10,
                  },
                  readinessProbe: {
                    grpc: { port: ENDPOINT_PICKER.healthPort, service: "inference-extension" },
                    periodSeconds: 2,
                  },
                  env: [
                    { name: "NAMESPACE", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } },
                    { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
                    ...tracingEnv,
                  ],
                  resources: { requests: { cpu: "1", memory: "2Gi" }, limits: { cpu: "2", memory: "2Gi" } },
                  securityContext: {
                    allowPrivilegeEscalation: false,
                    capabilities: { drop: ["ALL"] },
                    readOnlyRootFilesystem: true,
                    runAsNonRoot: true,
                    runAsUser: 65532,
                  },
                  volumeMounts: [{ name: "plugins-config-volume", mountPath: "/config" }],
                },
              ],
              volumes: [{ name: "plugins-config-volume", configMap: { name: epp } }],
            },
          },
        },
      },
      childOptions(this, opts, { dependsOn: [binding, config] }),
    );
    new k8s.core.v1.Service(
      `${name}-service`,
      {
        metadata: meta,
        spec: {
          type: "ClusterIP",
          selector,
          ports: [
            { name: "grpc-ext-proc", protocol: "TCP", port: ENDPOINT_PICKER.extProcPort },
            { name: "http-metrics", protocol: "TCP", port: ENDPOINT_PICKER.metricsPort },
          ],
        },
      },
      child,
    );
    this.registerOutputs({ name: epp });
  }
}
